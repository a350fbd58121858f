import { describe, expect, it } from "vitest";
import { cudaVisibleDevicesFor, gpuEnvFor } from "../../../src/gpu/cudaVisibleDevicesFor.js";
import type { GpuInfo } from "../../../src/gpu/GpuInfo.js";
import { parseNvidiaSmiCsv } from "../../../src/gpu/parseNvidiaSmiCsv.js";
import { planPlacement } from "../../../src/gpu/planPlacement.js";
import type { ReplicaPlacement, ReplicaPlacementRequest } from "../../../src/gpu/ReplicaPlacement.js";
import { A100_40G_X8, H200_X1, MIXED } from "./nvidiaSmiSamples.js";

const GIB = 1024 ** 3;
const NONE: GpuInfo[] = [];
const H200 = parseNvidiaSmiCsv(H200_X1);
const A100S = parseNvidiaSmiCsv(A100_40G_X8);
const MIXED_GPUS = parseNvidiaSmiCsv(MIXED);

function replica(overrides: Partial<ReplicaPlacementRequest> = {}, index = 0): ReplicaPlacementRequest {
  return { replicaId: `chat/qwq#${index}`, app: "chat", modelId: "qwq", replicaIndex: index, gpusNeeded: 1, ...overrides };
}

function replicas(count: number, overrides: Partial<ReplicaPlacementRequest> = {}): ReplicaPlacementRequest[] {
  return Array.from({ length: count }, (_, index) => replica(overrides, index));
}

function gpuIndices(placement: ReplicaPlacement | undefined): number[] | string {
  if (placement?.kind !== "gpu") return placement?.kind === undefined ? "none" : `${placement.kind}: ${"message" in placement ? placement.message : ""}`;
  return placement.gpus.map((gpu) => gpu.index);
}

function withFree(gpus: readonly GpuInfo[], freeGib: Record<number, number>): GpuInfo[] {
  return gpus.map((gpu) => (freeGib[gpu.index] === undefined ? gpu : { ...gpu, memoryFreeBytes: freeGib[gpu.index]! * GIB }));
}

describe("planPlacement", () => {
  describe("on a machine without GPUs", () => {
    it("should run a replica without accelerator_type on the CPU", () => {
      expect(planPlacement(NONE, [replica()])[0]?.kind).toBe("cpu");
    });

    it("should run accelerator_type CPU on the CPU, whatever the tensor_parallel_size", () => {
      expect(planPlacement(NONE, [replica({ acceleratorType: "CPU", gpusNeeded: 8 })])[0]?.kind).toBe("cpu");
    });

    it("should refuse a GPU type instead of running on the CPU", () => {
      expect(planPlacement(NONE, [replica({ acceleratorType: "A100-40G", gpusNeeded: 8 })])[0]).toMatchObject({
        kind: "error",
        code: "gpu_type_without_gpus",
        message: "needs 8 x A100-40G, this machine has no GPU (nvidia-smi found none); set accelerator_type: CPU to run on the CPU",
      });
    });
  });

  describe("on 1 x H200", () => {
    it("should leave the seed's 8 x A100-40G replica PENDING with the exact message", () => {
      expect(planPlacement(H200, [replica({ acceleratorType: "A100-40G", gpusNeeded: 8 })])[0]).toMatchObject({
        kind: "pending",
        code: "insufficient_gpus",
        message: "needs 8 x A100-40G, this machine has 1 x NVIDIA H200",
      });
    });

    it("should say how many GPUs are missing when the type matches but the count does not", () => {
      expect(planPlacement(H200, [replica({ acceleratorType: "H200", gpusNeeded: 2 })])[0]).toMatchObject({
        kind: "pending",
        message: "needs 2 x H200, this machine has 1 x NVIDIA H200",
      });
    });

    it("should give the GPU to one replica and keep the second pending while it is held", () => {
      const [first, second] = planPlacement(H200, replicas(2, { acceleratorType: "H200" }));
      expect(gpuIndices(first)).toEqual([0]);
      expect(second).toMatchObject({
        kind: "pending",
        code: "gpus_in_use",
        message: "needs 1 x H200, 0 of 1 free (in use by chat/qwq#0)",
      });
    });

    it("should let two replicas share the GPU by gpu_memory_utilization", () => {
      const placements = planPlacement(H200, replicas(2, { gpuMemoryUtilization: 0.45 }));
      expect(placements.map(gpuIndices)).toEqual([[0], [0]]);
      expect(placements[0]).toMatchObject({ memoryFraction: 0.45, reservedBytesPerGpu: Math.floor(143771 * 1024 * 1024 * 0.45) });
    });

    it("should not share beyond a total fraction of 1", () => {
      const placements = planPlacement(H200, replicas(3, { gpuMemoryUtilization: 0.4 }));
      expect(placements.map((p) => p.kind)).toEqual(["gpu", "gpu", "pending"]);
      expect(placements[2]).toMatchObject({ code: "gpus_in_use" });
    });

    it("should not share a GPU with an exclusive replica, nor give an exclusive replica a shared GPU", () => {
      expect(planPlacement(H200, [replica(), replica({ gpuMemoryUtilization: 0.3 }, 1)]).map((p) => p.kind)).toEqual(["gpu", "pending"]);
      expect(planPlacement(H200, [replica({ gpuMemoryUtilization: 0.3 }), replica({}, 1)]).map((p) => p.kind)).toEqual(["gpu", "pending"]);
    });

    it("should treat gpu_memory_utilization 1 as exclusive", () => {
      expect(planPlacement(H200, [replica({ gpuMemoryUtilization: 1 })])[0]).toMatchObject({ kind: "gpu", memoryFraction: undefined });
    });

    it("should place a replica whose estimate fits, and keep one that does not pending with numbers", () => {
      expect(planPlacement(H200, [replica({ estimatedBytes: 100 * GIB })])[0]?.kind).toBe("gpu");
      expect(planPlacement(H200, [replica({ acceleratorType: "H200", estimatedBytes: 200 * GIB })])[0]).toMatchObject({
        kind: "pending",
        code: "insufficient_memory",
        message: "needs 200.0 GiB, 1 x H200 has 139.8 GiB free",
      });
    });

    it("should check a sharing replica's estimate against its share", () => {
      expect(planPlacement(H200, [replica({ gpuMemoryUtilization: 0.1, estimatedBytes: 21.3 * GIB })])[0]).toMatchObject({
        kind: "pending",
        code: "insufficient_memory",
        message: "needs 21.3 GiB, gpu_memory_utilization 0.1 of 1 x GPU gives 14.0 GiB",
      });
    });

    it("should respect replicas already running on the GPU", () => {
      const existing = [{ replicaId: "other/m#0", gpus: [{ index: 0, uuid: H200[0]!.uuid }], memoryFraction: 0.5 }];
      expect(planPlacement(H200, [replica({ gpuMemoryUtilization: 0.5 })], { existing })[0]?.kind).toBe("gpu");
      expect(planPlacement(H200, [replica({ gpuMemoryUtilization: 0.6 })], { existing })[0]).toMatchObject({
        kind: "pending",
        message: "needs 1 x GPU, 0 of 1 free (in use by other/m#0)",
      });
      expect(planPlacement(H200, [replica()], { existing })[0]?.kind).toBe("pending");
    });
  });

  describe("on 8 x A100-40G", () => {
    it("should give the seed's tensor_parallel_size 8 replica all eight GPUs and keep the second replica pending", () => {
      const placements = planPlacement(A100S, replicas(2, { acceleratorType: "A100-40G", gpusNeeded: 8 }));
      expect(gpuIndices(placements[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(placements[1]).toMatchObject({ kind: "pending", code: "gpus_in_use" });
    });

    it("should give four TP=2 replicas disjoint pairs", () => {
      const placements = planPlacement(A100S, replicas(4, { acceleratorType: "A100", gpusNeeded: 2 }));
      expect(placements.map(gpuIndices)).toEqual([[0, 1], [2, 3], [4, 5], [6, 7]]);
    });

    it("should refuse A100-80G and H100 there", () => {
      expect(planPlacement(A100S, [replica({ acceleratorType: "A100-80G" })])[0]).toMatchObject({
        kind: "pending",
        message: "needs 1 x A100-80G, this machine has 8 x NVIDIA A100-SXM4-40GB",
      });
      expect(planPlacement(A100S, [replica({ acceleratorType: "H100" })])[0]?.kind).toBe("pending");
    });

    it("should skip GPUs mostly used by other processes when the estimate does not fit the first ones", () => {
      const busy = withFree(A100S, { 0: 2, 1: 2 });
      const [placement] = planPlacement(busy, [replica({ acceleratorType: "A100-40G", gpusNeeded: 2, estimatedBytes: 60 * GIB })]);
      expect(gpuIndices(placement)).toEqual([2, 3]);
    });

    it("should report the best free memory when nothing fits", () => {
      const busy = withFree(A100S, { 0: 7, 1: 7.1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1 });
      expect(planPlacement(busy, [replica({ acceleratorType: "A100-40G", gpusNeeded: 2, estimatedBytes: 21.3 * GIB })])[0]).toMatchObject({
        kind: "pending",
        code: "insufficient_memory",
        message: "needs 21.3 GiB, 2 x A100-40G have 14.1 GiB free",
      });
    });

    it("should not reuse GPUs planned earlier in the same call", () => {
      const placements = planPlacement(A100S, [
        replica({ acceleratorType: "A100-40G", gpusNeeded: 6 }),
        replica({ acceleratorType: "A100-40G", gpusNeeded: 4 }, 1),
        replica({ acceleratorType: "A100-40G", gpusNeeded: 2 }, 2),
      ]);
      expect(placements.map(gpuIndices)).toEqual([[0, 1, 2, 3, 4, 5], "pending: needs 4 x A100-40G, 2 of 8 free (in use by chat/qwq#0)", [6, 7]]);
    });
  });

  describe("on mixed cards", () => {
    it("should pick the GPU of the requested type", () => {
      const placements = planPlacement(MIXED_GPUS, [
        replica({ acceleratorType: "L4" }),
        replica({ acceleratorType: "RTX 4090" }, 1),
        replica({ acceleratorType: "H100" }, 2),
      ]);
      expect(placements.map(gpuIndices)).toEqual([[1], [2], [0]]);
    });

    it("should name every card when the type is missing", () => {
      expect(planPlacement(MIXED_GPUS, [replica({ acceleratorType: "A10G" })])[0]).toMatchObject({
        message: "needs 1 x A10G, this machine has 1 x NVIDIA H100 80GB HBM3, 1 x NVIDIA L4, 1 x NVIDIA GeForce RTX 4090",
      });
    });

    it("should place an untyped replica on any GPUs, in index order", () => {
      expect(planPlacement(MIXED_GPUS, replicas(3)).map(gpuIndices)).toEqual([[0], [1], [2]]);
      expect(gpuIndices(planPlacement(MIXED_GPUS, [replica({ gpusNeeded: 3 })])[0])).toEqual([0, 1, 2]);
    });

    it("should not reserve a share the partially used L4 cannot give", () => {
      expect(planPlacement(MIXED_GPUS, [replica({ acceleratorType: "L4", gpuMemoryUtilization: 0.5 })])[0]).toMatchObject({
        kind: "pending",
        code: "insufficient_memory",
        message: "needs 11.2 GiB (gpu_memory_utilization 0.5), 1 x L4 has 3.0 GiB free",
      });
      expect(planPlacement(MIXED_GPUS, [replica({ acceleratorType: "L4", gpuMemoryUtilization: 0.1 })])[0]?.kind).toBe("gpu");
    });

    it("should count reserved shares against free memory for the next sharing replica", () => {
      const placements = planPlacement(withFree(H200, { 0: 100 }), replicas(3, { gpuMemoryUtilization: 0.3 }));
      // 0.3 x 140.4 GiB = 42.1 GiB each: two fit in 100 GiB free, the third does not although the fractions would.
      expect(placements.map((p) => p.kind)).toEqual(["gpu", "gpu", "pending"]);
      expect(placements[2]).toMatchObject({ code: "insufficient_memory" });
    });
  });

  describe("with bad requests", () => {
    it("should list the known types for an unknown accelerator_type", () => {
      const [placement] = planPlacement(H200, [replica({ acceleratorType: "A100-41G" })]);
      expect(placement).toMatchObject({ kind: "error", code: "unknown_accelerator_type" });
      expect(placement?.kind === "error" && placement.message).toMatch(/^unknown accelerator_type "A100-41G"; known types: CPU, V100, .*A100-40G/);
    });

    it("should refuse a Ray-only type locally", () => {
      expect(planPlacement(H200, [replica({ acceleratorType: "TPU-V4" })])[0]).toMatchObject({ kind: "error", code: "not_local_accelerator_type" });
    });

    it("should refuse a zero GPU count and an out-of-range gpu_memory_utilization", () => {
      expect(planPlacement(H200, [replica({ gpusNeeded: 0 })])[0]).toMatchObject({ kind: "error", code: "invalid_request" });
      expect(planPlacement(H200, [replica({ gpuMemoryUtilization: 1.5 })])[0]).toMatchObject({ kind: "error", code: "invalid_request" });
      expect(planPlacement(H200, [replica({ gpuMemoryUtilization: 0 })])[0]).toMatchObject({ kind: "error", code: "invalid_request" });
    });
  });

  it("should be pure: the same inputs give the same plan and the inputs are not changed", () => {
    const inventory = Object.freeze(A100S.map((gpu) => Object.freeze({ ...gpu })));
    const requests = Object.freeze(replicas(3, { acceleratorType: "A100-40G", gpusNeeded: 3 }));
    expect(planPlacement(inventory, requests)).toEqual(planPlacement(inventory, requests));
  });
});

describe("cudaVisibleDevicesFor", () => {
  it("should list the GPUs' UUIDs for a GPU replica", () => {
    const [placement] = planPlacement(A100S, [replica({ gpusNeeded: 2 })]);
    expect(cudaVisibleDevicesFor(placement!)).toBe("GPU-0a1b2c3d-0000-4000-8000-000000000000,GPU-0a1b2c3d-0000-4000-8000-000000000001");
    expect(gpuEnvFor(placement!)).toEqual({ CUDA_VISIBLE_DEVICES: cudaVisibleDevicesFor(placement!), CUDA_DEVICE_ORDER: "PCI_BUS_ID" });
  });

  it("should fall back to indices without UUIDs and hide every GPU from a CPU replica", () => {
    const noUuid = A100S.map((gpu) => ({ ...gpu, uuid: "" }));
    expect(cudaVisibleDevicesFor(planPlacement(noUuid, [replica({ gpusNeeded: 3 })])[0]!)).toBe("0,1,2");
    expect(cudaVisibleDevicesFor(planPlacement(NONE, [replica()])[0]!)).toBe("");
  });
});
