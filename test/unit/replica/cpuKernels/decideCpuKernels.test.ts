import { describe, expect, it } from "vitest";
import { decideCpuKernels, type ProcessBests } from "../../../../src/replica/engine/cpuKernels/decideCpuKernels.js";

const what = { model: "model.gguf", batchTokens: 16 };
/** Three measuring processes each, best runs in ms. */
const prebuilt: ProcessBests = { oneTokenMs: [50, 51, 52], batchMs: [160, 165, 170] };

describe("decideCpuKernels", () => {
  it("should adopt compiled kernels whose every process beat the prebuilt ones at the batch, one token even", () => {
    const decision = decideCpuKernels(prebuilt, { oneTokenMs: [50, 50.5, 51], batchMs: [100, 102, 104] }, what);
    expect(decision).toEqual({
      kernels: "compiled",
      oneTokenRatio: 1,
      batchRatio: 0.625,
      reason:
        "compiled kernels measured 0.63x the CPU time of prebuilt at 16 tokens (0.65x in their slowest process) and 1.00x at 1 token (1.02x) on model.gguf: using compiled",
    });
  });

  it("should adopt them for a clear gain at one token alone, the batch within the allowance", () => {
    expect(decideCpuKernels(prebuilt, { oneTokenMs: [46, 47, 48], batchMs: [162, 163, 170] }, what).kernels).toBe("compiled");
  });

  it("should stay on prebuilt when the compiled kernels are slower at either size, whatever they gain at the other", () => {
    const slowerBatch = decideCpuKernels(prebuilt, { oneTokenMs: [40, 41, 42], batchMs: [174, 175, 180] }, what);
    expect(slowerBatch.kernels).toBe("prebuilt");
    expect(slowerBatch.reason).toBe(
      "compiled kernels measured 1.09x the CPU time of prebuilt at 16 tokens (1.13x in their slowest process) and 0.80x at 1 token (0.84x) on model.gguf: staying on prebuilt",
    );
    expect(decideCpuKernels(prebuilt, { oneTokenMs: [52, 53, 54], batchMs: [80, 81, 82] }, what).kernels).toBe("prebuilt");
  });

  it("should stay on prebuilt when the best compiled run is faster but not every compiled process is (the noise of the same library measured twice)", () => {
    // an A/A run seen on the shared machine: best against best 0.95x at the batch, 1.01x at one token
    const decision = decideCpuKernels(prebuilt, { oneTokenMs: [50.5, 53, 55], batchMs: [152, 166, 172] }, what);
    expect(decision.batchRatio).toBe(0.95);
    expect(decision.kernels).toBe("prebuilt");
  });

  it("should stay on prebuilt when both come out even", () => {
    expect(decideCpuKernels(prebuilt, prebuilt, what).kernels).toBe("prebuilt");
  });
});
