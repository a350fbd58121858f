import { describe, expect, it } from "vitest";
import { gpuPlacement } from "../../../src/controller/gpuPlacement.js";
import type { PlacementResult } from "../../../src/controller/placement.js";
import type { GpuInfo } from "../../../src/gpu/GpuInfo.js";
import { parseNvidiaSmiCsv } from "../../../src/gpu/parseNvidiaSmiCsv.js";
import { A100_40G_X8, H200_X1 } from "../gpu/nvidiaSmiSamples.js";
import { deploymentSpec } from "../../helpers/deploymentSpec.js";

const GIB = 1024 ** 3;

const spec = deploymentSpec;

function placementOn(inventory: GpuInfo[], estimate?: number) {
  return gpuPlacement({
    readInventory: async () => inventory,
    estimateBytes: async () => estimate,
    modelsDir: "/nonexistent",
    log: () => undefined,
  });
}

describe("gpuPlacement", () => {
  it("should refuse 8 x A100-40G on a machine with 1 x H200, with the exact sentence and no retry", async () => {
    const placement = placementOn(parseNvidiaSmiCsv(H200_X1));
    const result = await placement.place({ spec: spec({ acceleratorType: "A100-40G", resources: { gpusNeeded: 8 } }), replicaId: "app/m/r1" });
    expect(result).toEqual({ ok: false, reason: "needs 8 x A100-40G, this machine has 1 x NVIDIA H200", retry: false });
  });

  it("should refuse a GPU type on a CPU-only machine instead of running on the CPU", async () => {
    const result = await placementOn([]).place({ spec: spec({ acceleratorType: "A100-40G" }), replicaId: "app/m/r1" });
    expect(result).toMatchObject({ ok: false, retry: false, reason: expect.stringMatching(/^needs 1 x A100-40G, this machine has no GPU/) });
  });

  it("should run on the CPU without touching CUDA_VISIBLE_DEVICES when there is no GPU and no type, and hide GPUs for CPU", async () => {
    expect(await placementOn([]).place({ spec: spec(), replicaId: "a" })).toEqual({ ok: true, gpus: [], env: {} });
    const onGpuMachine = await placementOn(parseNvidiaSmiCsv(H200_X1)).place({ spec: spec({ acceleratorType: "CPU" }), replicaId: "a" });
    expect(onGpuMachine).toMatchObject({ ok: true, gpus: [], env: { CUDA_VISIBLE_DEVICES: "" } });
  });

  it("should give each exclusive replica its own GPUs by UUID and keep them until released", async () => {
    const placement = placementOn(parseNvidiaSmiCsv(A100_40G_X8));
    const four = spec({ acceleratorType: "A100-40G", resources: { gpusNeeded: 4 } });
    const first = await placement.place({ spec: four, replicaId: "r1" });
    const second = await placement.place({ spec: four, replicaId: "r2" });
    expect(first).toMatchObject({ ok: true, gpus: [0, 1, 2, 3] });
    expect(second).toMatchObject({ ok: true, gpus: [4, 5, 6, 7] });
    const env = (second as Extract<PlacementResult, { ok: true }>).env;
    expect(env["CUDA_VISIBLE_DEVICES"]).toBe([4, 5, 6, 7].map((i) => `GPU-0a1b2c3d-0000-4000-8000-00000000000${i}`).join(","));
    const third = await placement.place({ spec: four, replicaId: "r3" });
    expect(third).toMatchObject({ ok: false, retry: true, reason: "needs 4 x A100-40G, 0 of 8 free (in use by r1, r2)" });
    placement.release("r1");
    expect(await placement.place({ spec: four, replicaId: "r3" })).toMatchObject({ ok: true, gpus: [0, 1, 2, 3] });
  });

  it("should refuse a replica whose estimate exceeds the free memory, with the numbers", async () => {
    const result = await placementOn(parseNvidiaSmiCsv(H200_X1), 200 * GIB).place({ spec: spec({ acceleratorType: "H200" }), replicaId: "r1" });
    expect(result).toEqual({ ok: false, retry: false, reason: "needs 200.0 GiB, 1 x H200 has 139.8 GiB free" });
  });

  it("should load one replica at a time per GPU: a second replica sharing the GPU waits until the first has loaded", async () => {
    const placement = placementOn(parseNvidiaSmiCsv(H200_X1), 10 * GIB);
    const shared = spec({ resources: { gpuMemoryUtilization: 0.4 } });
    const first = await placement.place({ spec: shared, replicaId: "r1" });
    expect(first).toMatchObject({ ok: true, gpus: [0] });
    let secondDone = false;
    const second = Promise.resolve(placement.place({ spec: shared, replicaId: "r2" })).then((result) => {
      secondDone = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(secondDone).toBe(false);
    placement.loaded("r1");
    expect(await second).toMatchObject({ ok: true, gpus: [0] });
    // A third would need 0.4 more of a GPU already 0.8 reserved.
    expect(await placement.place({ spec: shared, replicaId: "r3" })).toMatchObject({ ok: false, retry: true });
  });
});
