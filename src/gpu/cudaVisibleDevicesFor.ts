import type { ReplicaPlacement } from "./ReplicaPlacement.js";

/**
 * The `CUDA_VISIBLE_DEVICES` value for a placed replica: its GPUs' UUIDs (stable, unlike indices, whose CUDA order
 * can differ from nvidia-smi's), falling back to indices when nvidia-smi gave no UUID. `""` (no device visible)
 * for a CPU replica, so a CUDA build cannot pick up a GPU behind the plan's back.
 */
export function cudaVisibleDevicesFor(placement: ReplicaPlacement): string {
  if (placement.kind !== "gpu") return "";
  return placement.gpus.map((gpu) => (gpu.uuid !== "" ? gpu.uuid : String(gpu.index))).join(",");
}

/**
 * Environment variables to set on a replica process before it starts: CUDA_VISIBLE_DEVICES, plus
 * CUDA_DEVICE_ORDER=PCI_BUS_ID so that index fallbacks mean what nvidia-smi meant.
 */
export function gpuEnvFor(placement: ReplicaPlacement): Record<string, string> {
  return { CUDA_VISIBLE_DEVICES: cudaVisibleDevicesFor(placement), CUDA_DEVICE_ORDER: "PCI_BUS_ID" };
}
