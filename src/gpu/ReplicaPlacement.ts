import type { GpuInfo } from "./GpuInfo.js";

/** What one replica asks of the machine; built by the controller from its llm_config. */
export type ReplicaPlacementRequest = {
  /** Unique per replica (the controller's replica id, e.g. `chat/qwq-32b#0`); named in "in use by" messages. */
  readonly replicaId: string;
  readonly app: string;
  readonly modelId: string;
  readonly replicaIndex: number;
  /** `accelerator_type` as written. Absent: any GPU, or the CPU when the machine has none. */
  readonly acceleratorType?: string | undefined;
  /** `tensor_parallel_size x pipeline_parallel_size` (both default 1). */
  readonly gpusNeeded: number;
  /**
   * `engine_kwargs.gpu_memory_utilization`. Below 1 the replica may share its GPUs with other replicas that also
   * set it, each reserving this fraction of every assigned GPU's total memory. Absent or 1: exclusive GPUs.
   */
  readonly gpuMemoryUtilization?: number | undefined;
  /** Weights plus KV cache over all its GPUs (see `estimateReplicaMemory`); absent skips the fit check. */
  readonly estimatedBytes?: number | undefined;
};

export type PendingPlacementCode =
  /** The machine has fewer GPUs of the type than the replica needs; it never fits until the hardware changes. */
  | "insufficient_gpus"
  /** Enough GPUs exist but other replicas hold them; retried when one stops. */
  | "gpus_in_use"
  /** The GPUs are there but their free memory is below the estimate. */
  | "insufficient_memory";

export type PlacementErrorCode =
  /** A GPU accelerator_type on a machine where nvidia-smi found no GPU: never a silent CPU run. */
  | "gpu_type_without_gpus"
  | "unknown_accelerator_type"
  /** A type only a Ray cluster can provide (TPU, AMD, Intel, ...). */
  | "not_local_accelerator_type"
  /** gpusNeeded below 1, gpu_memory_utilization outside (0, 1]. */
  | "invalid_request";

/**
 * Where a replica runs:
 * - `gpu`: on `gpus` (set CUDA_VISIBLE_DEVICES with `cudaVisibleDevicesFor`), exclusively when `memoryFraction` is
 *   undefined, else sharing them with `reservedBytesPerGpu` set aside on each.
 * - `cpu`: on the CPU (accelerator_type CPU, or no GPU and no accelerator_type).
 * - `pending`: cannot start now; `message` is what status shows ("needs 8 x A100-40G, this machine has 1 x NVIDIA H200").
 * - `error`: the request can never run on this machine; `message` says why and what to change.
 */
export type ReplicaPlacement =
  | {
      readonly kind: "gpu";
      readonly request: ReplicaPlacementRequest;
      readonly gpus: readonly GpuInfo[];
      readonly memoryFraction: number | undefined;
      readonly reservedBytesPerGpu: number;
    }
  | { readonly kind: "cpu"; readonly request: ReplicaPlacementRequest }
  | {
      readonly kind: "pending";
      readonly request: ReplicaPlacementRequest;
      readonly code: PendingPlacementCode;
      readonly message: string;
    }
  | {
      readonly kind: "error";
      readonly request: ReplicaPlacementRequest;
      readonly code: PlacementErrorCode;
      readonly message: string;
    };

export type GpuPlacement = Extract<ReplicaPlacement, { kind: "gpu" }>;

/** A replica already holding GPUs (running or starting); its memory use is already reflected in `memoryFreeBytes`. */
export type ExistingGpuAssignment = {
  readonly replicaId: string;
  readonly gpus: readonly Pick<GpuInfo, "index" | "uuid">[];
  readonly memoryFraction: number | undefined;
};
