import type { DeploymentSpec } from "./controllerSpec.js";

export interface PlacementRequest {
  spec: DeploymentSpec;
  replicaId: string;
}

export type PlacementResult =
  | { ok: true; gpus: number[]; env: Record<string, string> }
  | { ok: false; reason: string };

/**
 * Where a replica runs. The GPU module (issue 6) provides one from the GPU inventory and accelerator_type that
 * sets CUDA_VISIBLE_DEVICES; it is asked before every start and told when the replica is gone.
 */
export interface Placement {
  place: (request: PlacementRequest) => PlacementResult;
  release: (replicaId: string) => void;
}

/** Everything on CPU: no GPUs, no extra environment. */
export function cpuPlacement(): Placement {
  return {
    place: () => ({ ok: true, gpus: [], env: {} }),
    release: () => undefined,
  };
}
