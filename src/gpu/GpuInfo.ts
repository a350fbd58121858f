/** One GPU of this machine, as nvidia-smi reports it. Memory is in bytes. */
export type GpuInfo = {
  /** nvidia-smi's index (PCI bus order). */
  readonly index: number;
  /** Stable id such as `GPU-4b5c1a7e-...`; what `CUDA_VISIBLE_DEVICES` is set to. Empty when nvidia-smi gave none. */
  readonly uuid: string;
  /** Marketing name, e.g. `NVIDIA A100-SXM4-40GB`, `NVIDIA H100 80GB HBM3`, `NVIDIA GeForce RTX 4090`. */
  readonly name: string;
  readonly memoryTotalBytes: number;
  /** Free memory at the time of the query; includes what other processes (and other replicas) already use. */
  readonly memoryFreeBytes: number;
};
