import { formatGib } from "./formatGib.js";
import type { GpuInfo } from "./GpuInfo.js";
import { findAcceleratorType, knownAcceleratorTypes } from "./knownAcceleratorTypes.js";
import { matchesAcceleratorType } from "./matchesAcceleratorType.js";
import type {
  ExistingGpuAssignment,
  PendingPlacementCode,
  ReplicaPlacement,
  ReplicaPlacementRequest,
} from "./ReplicaPlacement.js";
import { summarizeGpus } from "./summarizeGpus.js";

export type PlanPlacementOptions = {
  /** Replicas that already hold GPUs; their GPUs count as taken (exclusive) or partly taken (shared). */
  existing?: readonly ExistingGpuAssignment[];
};

/** Per-GPU bookkeeping while planning: who holds it and how much of it. */
type GpuUse = { exclusiveHolder: string | undefined; fraction: number; holders: string[]; reservedBytes: number };

const FRACTION_EPSILON = 1e-9;

/**
 * Places replicas on this machine's GPUs, in request order, as a pure function of the inventory. Each replica gets
 * `gpusNeeded` GPUs matching its accelerator_type, exclusively unless it sets gpu_memory_utilization < 1 (then it
 * shares GPUs with other such replicas while the fractions sum to at most 1 and the reserved memory is free).
 * GPUs are taken in index order. A replica with an estimate must fit the free memory of its GPUs (summed: llama.cpp
 * splits layers across visible devices by their free memory) or, when sharing, its reserved share of them.
 */
export function planPlacement(
  inventory: readonly GpuInfo[],
  requests: readonly ReplicaPlacementRequest[],
  options: PlanPlacementOptions = {},
): ReplicaPlacement[] {
  const uses = new Map<number, GpuUse>(inventory.map((gpu) => [gpu.index, emptyUse()]));
  for (const assignment of options.existing ?? []) {
    for (const held of assignment.gpus) {
      const gpu = inventory.find((g) => (held.uuid !== "" && g.uuid === held.uuid) || (held.uuid === "" && g.index === held.index));
      const use = gpu === undefined ? undefined : uses.get(gpu.index);
      if (use !== undefined) claim(use, assignment.replicaId, assignment.memoryFraction, 0);
    }
  }
  return requests.map((request) => placeOne(inventory, uses, request));
}

function placeOne(inventory: readonly GpuInfo[], uses: Map<number, GpuUse>, request: ReplicaPlacementRequest): ReplicaPlacement {
  const invalid = validate(request);
  if (invalid !== undefined) return { kind: "error", request, code: "invalid_request", message: invalid };
  const typeName = request.acceleratorType;
  const type = typeName === undefined ? undefined : findAcceleratorType(typeName);
  if (typeName !== undefined && type === undefined) {
    return {
      kind: "error",
      request,
      code: "unknown_accelerator_type",
      message: `unknown accelerator_type "${typeName}"; known types: ${knownAcceleratorTypes.join(", ")}`,
    };
  }
  if (type?.kind === "cpu") return { kind: "cpu", request };
  if (type?.kind === "ray-only") {
    return {
      kind: "error",
      request,
      code: "not_local_accelerator_type",
      message: `accelerator_type ${type.name} is only available on a Ray cluster; on this machine llmserve runs on NVIDIA GPUs or the CPU (accelerator_type: CPU)`,
    };
  }
  if (inventory.length === 0) {
    if (type === undefined) return { kind: "cpu", request };
    return {
      kind: "error",
      request,
      code: "gpu_type_without_gpus",
      message: `needs ${request.gpusNeeded} x ${type.name}, this machine has no GPU (nvidia-smi found none); set accelerator_type: CPU to run on the CPU`,
    };
  }

  const label = type?.name ?? "GPU";
  const wanted = `${request.gpusNeeded} x ${label}`;
  const candidates = type === undefined ? [...inventory] : inventory.filter((gpu) => matchesAcceleratorType(type.name, gpu.name, gpu.memoryTotalBytes));
  if (candidates.length < request.gpusNeeded) {
    return pending(request, "insufficient_gpus", `needs ${wanted}, this machine has ${summarizeGpus(inventory)}`);
  }

  const fraction = sharedFraction(request);
  const open = candidates.filter((gpu) => canShare(useOf(uses, gpu), fraction));
  if (open.length < request.gpusNeeded) {
    const holders = [...new Set(candidates.flatMap((gpu) => useOf(uses, gpu).holders))];
    const freeCount = `${open.length} of ${candidates.length}`;
    return pending(request, "gpus_in_use", `needs ${wanted}, ${freeCount} free (in use by ${holders.join(", ")})`);
  }

  const available = (gpu: GpuInfo): number => Math.max(0, gpu.memoryFreeBytes - useOf(uses, gpu).reservedBytes);
  if (fraction === undefined) {
    const chosen = chooseExclusive(open, request.gpusNeeded, request.estimatedBytes, available);
    if (chosen === undefined) {
      const best = mostAvailable(open, request.gpusNeeded, available);
      const free = best.reduce((sum, gpu) => sum + available(gpu), 0);
      return pending(request, "insufficient_memory", `needs ${formatGib(request.estimatedBytes ?? 0)}, ${wanted} ${have(best.length)} ${formatGib(free)} free`);
    }
    for (const gpu of chosen) claim(useOf(uses, gpu), request.replicaId, undefined, 0);
    return { kind: "gpu", request, gpus: chosen, memoryFraction: undefined, reservedBytesPerGpu: 0 };
  }

  const reserve = (gpu: GpuInfo): number => Math.floor(gpu.memoryTotalBytes * fraction);
  const roomy = open.filter((gpu) => available(gpu) >= reserve(gpu));
  if (roomy.length < request.gpusNeeded) {
    const best = mostAvailable(open, request.gpusNeeded, available);
    const needed = best.reduce((sum, gpu) => sum + reserve(gpu), 0);
    const free = best.reduce((sum, gpu) => sum + available(gpu), 0);
    return pending(
      request,
      "insufficient_memory",
      `needs ${formatGib(needed)} (gpu_memory_utilization ${fraction}), ${wanted} ${have(best.length)} ${formatGib(free)} free`,
    );
  }
  const chosen = roomy.slice(0, request.gpusNeeded);
  const budget = chosen.reduce((sum, gpu) => sum + reserve(gpu), 0);
  if (request.estimatedBytes !== undefined && request.estimatedBytes > budget) {
    return pending(
      request,
      "insufficient_memory",
      `needs ${formatGib(request.estimatedBytes)}, gpu_memory_utilization ${fraction} of ${wanted} gives ${formatGib(budget)}`,
    );
  }
  const perGpu = Math.min(...chosen.map(reserve));
  for (const gpu of chosen) claim(useOf(uses, gpu), request.replicaId, fraction, reserve(gpu));
  return { kind: "gpu", request, gpus: chosen, memoryFraction: fraction, reservedBytesPerGpu: perGpu };
}

function validate(request: ReplicaPlacementRequest): string | undefined {
  if (!Number.isInteger(request.gpusNeeded) || request.gpusNeeded < 1) {
    return `tensor_parallel_size x pipeline_parallel_size must be a whole number of at least 1 (got ${request.gpusNeeded})`;
  }
  const utilization = request.gpuMemoryUtilization;
  if (utilization !== undefined && !(utilization > 0 && utilization <= 1)) {
    return `gpu_memory_utilization must be greater than 0 and at most 1 (got ${utilization})`;
  }
  return undefined;
}

function sharedFraction(request: ReplicaPlacementRequest): number | undefined {
  const utilization = request.gpuMemoryUtilization;
  return utilization === undefined || utilization >= 1 ? undefined : utilization;
}

function canShare(use: GpuUse, fraction: number | undefined): boolean {
  if (use.exclusiveHolder !== undefined) return false;
  if (fraction === undefined) return use.holders.length === 0;
  return use.fraction + fraction <= 1 + FRACTION_EPSILON;
}

function chooseExclusive(
  open: readonly GpuInfo[],
  count: number,
  estimatedBytes: number | undefined,
  available: (gpu: GpuInfo) => number,
): GpuInfo[] | undefined {
  const inOrder = open.slice(0, count);
  if (estimatedBytes === undefined) return inOrder;
  const fits = (gpus: readonly GpuInfo[]): boolean => gpus.reduce((sum, gpu) => sum + available(gpu), 0) >= estimatedBytes;
  if (fits(inOrder)) return inOrder;
  const best = mostAvailable(open, count, available);
  return fits(best) ? best.sort((a, b) => a.index - b.index) : undefined;
}

function mostAvailable(gpus: readonly GpuInfo[], count: number, available: (gpu: GpuInfo) => number): GpuInfo[] {
  return [...gpus].sort((a, b) => available(b) - available(a) || a.index - b.index).slice(0, count);
}

function claim(use: GpuUse, replicaId: string, fraction: number | undefined, reservedBytes: number): void {
  if (fraction === undefined) use.exclusiveHolder = replicaId;
  else use.fraction += fraction;
  use.holders.push(replicaId);
  use.reservedBytes += reservedBytes;
}

function useOf(uses: Map<number, GpuUse>, gpu: GpuInfo): GpuUse {
  const use = uses.get(gpu.index);
  if (use === undefined) throw new Error(`GPU ${gpu.index} is not in the inventory`);
  return use;
}

function emptyUse(): GpuUse {
  return { exclusiveHolder: undefined, fraction: 0, holders: [], reservedBytes: 0 };
}

function pending(request: ReplicaPlacementRequest, code: PendingPlacementCode, message: string): ReplicaPlacement {
  return { kind: "pending", request, code, message };
}

function have(count: number): string {
  return count === 1 ? "has" : "have";
}
