import { basename } from "node:path";
import type { CpuKernelsIdentity } from "./cpuKernelsIdentity.js";
import type { CpuKernelsVerdict } from "./cpuKernelsRecord.js";
import { decideCpuKernels } from "./decideCpuKernels.js";
import { MEASURE_BATCH_TOKENS, measureCpuKernels, type MeasureCpuKernelsOptions } from "./measureCpuKernels.js";

/**
 * Measures the compiled `library` against the prebuilt kernels on `modelPath` and decides (`decideCpuKernels`).
 * A measurement that cannot be made (the model too large for its time limit, a process that fails) gives a verdict
 * for the prebuilt kernels that says why: nothing switches on kernels nobody has seen to be faster. Never throws.
 */
export async function judgeCpuKernels(
  identity: CpuKernelsIdentity,
  library: string,
  modelPath: string,
  log: (line: string) => void,
  limits: Pick<MeasureCpuKernelsOptions, "alternations" | "budgetMs" | "wallLimitMs"> = {},
): Promise<CpuKernelsVerdict> {
  const model = basename(modelPath);
  log(`CPU kernels: measuring the compiled kernels against the prebuilt ones on ${model} (one thread, CPU time, nice 19)`);
  const decidedAt = (): string => new Date().toISOString();
  try {
    const measurement = await measureCpuKernels({ identity, modelPath, candidate: library, ...limits });
    const decision = decideCpuKernels(measurement.prebuilt.processes, measurement.compiled.processes, { model, batchTokens: MEASURE_BATCH_TOKENS });
    return { ...decision, measurement, decidedAt: decidedAt() };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kernels: "prebuilt", reason: `compiled kernels not measured on ${model} (${reason}): staying on prebuilt`, decidedAt: decidedAt() };
  }
}
