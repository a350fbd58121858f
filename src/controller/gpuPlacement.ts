import { existsSync } from "node:fs";
import { checkMemoryFit } from "../gpu/checkMemoryFit.js";
import { createGpuLoadSerializer } from "../gpu/createGpuLoadSerializer.js";
import { gpuEnvFor } from "../gpu/cudaVisibleDevicesFor.js";
import type { GpuInfo } from "../gpu/GpuInfo.js";
import { planPlacement } from "../gpu/planPlacement.js";
import { readGpuInventory } from "../gpu/readGpuInventory.js";
import type { ExistingGpuAssignment, ReplicaPlacementRequest } from "../gpu/ReplicaPlacement.js";
import { cachedModelPath } from "../protocol/cachedModelPath.js";
import { parseModelSource } from "../protocol/parseModelSource.js";
import { hubCacheDirs } from "../protocol/hubCacheDirs.js";
import type { DeploymentSpec } from "./controllerSpec.js";
import type { Placement, PlacementResult } from "./placement.js";

export interface GpuPlacementOptions {
  /** Defaults to `readGpuInventory()` (nvidia-smi, or `$LLMSERVE_NVIDIA_SMI`), read at every placement. */
  readInventory?: () => Promise<GpuInfo[]>;
  /** Bytes a replica of `spec` needs (weights + KV cache), or undefined to skip the check. Defaults to the GGUF estimate. */
  estimateBytes?: (spec: DeploymentSpec) => Promise<number | undefined>;
  /** `$LLMSERVE_HOME/models`: where downloaded GGUFs are cached (estimated once they are there). */
  modelsDir: string;
  log: (message: string) => void;
}

/**
 * The controller's placement on this machine's NVIDIA GPUs: `planPlacement` on a fresh inventory with
 * the GPUs our other replicas hold, CUDA_VISIBLE_DEVICES set to the chosen GPUs' UUIDs, and one load at a time per
 * GPU: a replica waits for the earlier loads on its GPUs to finish, then its memory estimate is checked against
 * the free memory those loads left. accelerator_type CPU, or no GPU at all and no accelerator_type, runs on the CPU.
 */
export function gpuPlacement(options: GpuPlacementOptions): Placement {
  const readInventory = options.readInventory ?? (() => readGpuInventory());
  const estimateBytes = options.estimateBytes ?? ggufEstimator(options.modelsDir, options.log);
  const serializer = createGpuLoadSerializer();
  /** GPUs held by replicas that are loading or running. */
  const held = new Map<string, ExistingGpuAssignment>();
  /** Ends the load turn of a replica (see createGpuLoadSerializer). */
  const turns = new Map<string, () => void>();

  const loaded = (replicaId: string): void => {
    const end = turns.get(replicaId);
    turns.delete(replicaId);
    end?.();
  };
  const release = (replicaId: string): void => {
    held.delete(replicaId);
    loaded(replicaId);
  };
  const waitForTurn = (replicaId: string, keys: string[]): Promise<void> =>
    new Promise((started) => {
      void serializer.runExclusive(keys, () => new Promise<void>((end) => {
        turns.set(replicaId, end);
        started();
      }));
    });

  const place = async ({ spec, replicaId }: { spec: DeploymentSpec; replicaId: string }): Promise<PlacementResult> => {
    const inventory = await readInventory();
    const wantsGpu = spec.acceleratorType?.toUpperCase() !== "CPU" && inventory.length > 0;
    const estimate = wantsGpu ? await estimateBytes(spec) : undefined;
    const request: ReplicaPlacementRequest = {
      replicaId,
      app: spec.appName,
      modelId: spec.modelId,
      replicaIndex: 0,
      acceleratorType: spec.acceleratorType,
      gpusNeeded: spec.resources.gpusNeeded,
      gpuMemoryUtilization: spec.resources.gpuMemoryUtilization,
      estimatedBytes: estimate,
    };
    const planned = planPlacement(inventory, [request], { existing: [...held.values()] })[0]!;
    switch (planned.kind) {
      case "cpu":
        // No NVIDIA GPU and no accelerator_type: leave the environment alone (the replica may still use Metal or
        // Vulkan). accelerator_type CPU: hide every CUDA device.
        return { ok: true, gpus: [], env: inventory.length === 0 && spec.acceleratorType === undefined ? {} : gpuEnvFor(planned) };
      case "error":
        return { ok: false, reason: planned.message, retry: false };
      case "pending":
        // GPUs our replicas hold are freed when they stop; missing hardware is not.
        return { ok: false, reason: planned.message, retry: planned.code !== "insufficient_gpus" && held.size > 0 };
    }
    held.set(replicaId, { replicaId, gpus: planned.gpus, memoryFraction: planned.memoryFraction });
    await waitForTurn(replicaId, planned.gpus.map(gpuKey));
    if (held.get(replicaId)?.gpus !== planned.gpus) {
      loaded(replicaId);
      return { ok: false, reason: "released while waiting for its turn to load", retry: false };
    }
    if (estimate !== undefined && planned.memoryFraction === undefined) {
      // The loads before this one are done: free memory now shows what they really took.
      const now = await readInventory();
      const mine = now.filter((gpu) => planned.gpus.some((p) => gpuKey(p) === gpuKey(gpu)));
      const fit = checkMemoryFit(estimate, mine, spec.acceleratorType);
      if (!fit.fits) {
        release(replicaId);
        return { ok: false, reason: fit.message, retry: held.size > 0 };
      }
    }
    const env = gpuEnvFor(planned);
    options.log(`${replicaId}: placed on GPU ${planned.gpus.map((g) => g.index).join(",")} (CUDA_VISIBLE_DEVICES=${env["CUDA_VISIBLE_DEVICES"]})`);
    return { ok: true, gpus: planned.gpus.map((gpu) => gpu.index), env };
  };

  return { place, loaded, release };
}

function gpuKey(gpu: Pick<GpuInfo, "uuid" | "index">): string {
  return gpu.uuid !== "" ? gpu.uuid : String(gpu.index);
}

/**
 * Estimates from the GGUF header with the replica's context size and sequences, when the file is on disk (a local
 * path, or a download already in the cache); once per file and settings. A file not there yet is not checked.
 */
function ggufEstimator(modelsDir: string, log: (message: string) => void): (spec: DeploymentSpec) => Promise<number | undefined> {
  const cache = new Map<string, Promise<number | undefined>>();
  return (spec) => {
    const { ggufSource, contextSize, sequences } = spec.resources;
    if (ggufSource === undefined) return Promise.resolve(undefined);
    let path: string | undefined;
    try {
      path = cachedModelPath(parseModelSource(ggufSource), modelsDir, hubCacheDirs({ ...process.env, ...spec.envVars }));
    } catch {
      return Promise.resolve(undefined);
    }
    if (path === undefined || !existsSync(path)) return Promise.resolve(undefined);
    const key = `${path}|${contextSize ?? ""}|${sequences}`;
    let estimate = cache.get(key);
    if (estimate === undefined) {
      estimate = (async () => {
        try {
          // node-llama-cpp is loaded only when a GPU placement needs it.
          const { estimateReplicaMemory } = await import("../gpu/estimateReplicaMemory.js");
          return (await estimateReplicaMemory(path, { contextSize, sequences })).totalBytes;
        } catch (error) {
          log(`cannot estimate the memory of ${path}: ${(error as Error).message}; not checking it`);
          return undefined;
        }
      })();
      cache.set(key, estimate);
    }
    return estimate;
  };
}
