import type { DeploymentSpec } from "./controllerSpec.js";

export interface PlacementRequest {
  spec: DeploymentSpec;
  /** Unique per replica slot: `app/model/rN`. */
  replicaId: string;
}

export type PlacementResult =
  | {
      ok: true;
      /** GPU indices (nvidia-smi's); [] = CPU. */
      gpus: number[];
      /** Set on the replica process before it starts (CUDA_VISIBLE_DEVICES, CUDA_DEVICE_ORDER). */
      env: Record<string, string>;
    }
  | {
      ok: false;
      /** The exact sentence status shows, e.g. "needs 8 x A100-40G, this machine has 1 x NVIDIA H200". */
      reason: string;
      /** true: may fit later (GPUs held by other replicas); false: never on this machine as it is. */
      retry: boolean;
    };

/**
 * Where a replica runs. Asked before every start (a restart included, after `release`); `place` may wait for the
 * replica's turn to load on its GPUs, which lasts until `loaded` (ready, failed or stopped). `release` frees the
 * replica's GPUs once its process is gone.
 */
export interface Placement {
  place: (request: PlacementRequest) => PlacementResult | Promise<PlacementResult>;
  loaded: (replicaId: string) => void;
  release: (replicaId: string) => void;
}
