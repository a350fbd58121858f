/** The best CPU time of each measuring process of one set of kernels, per decode size. */
export interface ProcessBests {
  readonly oneTokenMs: readonly number[];
  readonly batchMs: readonly number[];
}

export interface CpuKernelsDecision {
  readonly kernels: "compiled" | "prebuilt";
  /** compiled / prebuilt: the best run of either side, 1-token decode and batched decode. */
  readonly oneTokenRatio: number;
  readonly batchRatio: number;
  /** One line for the log and `llmserve doctor`. */
  readonly reason: string;
}

/**
 * Faster means: at one of the sizes, even the slowest compiled process's best run took at most this ratio of the
 * prebuilt kernels' best run. Best against best is not enough: measuring the same library on both sides (an A/A
 * run, 254M model, three processes each, on a 2-core machine others were using) gave 0.95x to 1.07x for a batch.
 */
export const CPU_KERNELS_FASTER_RATIO = 0.97;
/**
 * Not slower means: best against best, at most this ratio at both sizes. A 1-token decode is mostly memory-bound and
 * comes out even; this allowance keeps its noise from vetoing a real gain at the batched size.
 */
export const CPU_KERNELS_NOT_SLOWER_RATIO = 1.02;

/**
 * Whether replicas load the CPU kernels compiled for this machine or node-llama-cpp's prebuilt ones. Compiled ones
 * are adopted only when measured faster, because they are not always: on an Intel Xeon with AVX-512/AMX the
 * prebuilt `sapphirerapids` variant decoded batches with less CPU time than a `-march=native` build of the same
 * commit, on an AMD EPYC the compiled ones were 1.6x faster. So the rule: slower at neither size, clearly faster
 * at one; anything less keeps the prebuilt kernels, which cost nothing to stay on.
 */
export function decideCpuKernels(prebuilt: ProcessBests, compiled: ProcessBests, what: { model: string; batchTokens: number }): CpuKernelsDecision {
  const oneTokenRatio = Math.min(...compiled.oneTokenMs) / Math.min(...prebuilt.oneTokenMs);
  const batchRatio = Math.min(...compiled.batchMs) / Math.min(...prebuilt.batchMs);
  const assuredOneToken = Math.max(...compiled.oneTokenMs) / Math.min(...prebuilt.oneTokenMs);
  const assuredBatch = Math.max(...compiled.batchMs) / Math.min(...prebuilt.batchMs);
  const notSlower = oneTokenRatio <= CPU_KERNELS_NOT_SLOWER_RATIO && batchRatio <= CPU_KERNELS_NOT_SLOWER_RATIO;
  const faster = Math.min(assuredOneToken, assuredBatch) <= CPU_KERNELS_FASTER_RATIO;
  const kernels = notSlower && faster ? "compiled" : "prebuilt";
  const figures =
    `compiled kernels measured ${times(batchRatio)} the CPU time of prebuilt at ${what.batchTokens} tokens ` +
    `(${times(assuredBatch)} in their slowest process) and ${times(oneTokenRatio)} at 1 token (${times(assuredOneToken)}) on ${what.model}`;
  return {
    kernels,
    oneTokenRatio: round(oneTokenRatio),
    batchRatio: round(batchRatio),
    reason: `${figures}: ${kernels === "compiled" ? "using compiled" : "staying on prebuilt"}`,
  };
}

function times(value: number): string {
  return `${value.toFixed(2)}x`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
