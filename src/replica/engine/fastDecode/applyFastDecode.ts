import type { LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { admitBetweenSteps } from "./admitBetweenSteps.js";
import { alignDecodeSteps } from "./alignDecodeSteps.js";
import { attachPersistentThreadpool } from "./attachPersistentThreadpool.js";
import { isOff } from "./isOff.js";
import type { WithLock } from "./loadContextLock.js";

export interface FastDecodeOptions {
  readonly context: LlamaContext;
  readonly model: LlamaModel;
  /** Every sequence of `context` that will generate (all created before the first evaluation). */
  readonly sequences: readonly LlamaContextSequence[];
  /** The context's `threads`. */
  readonly threads: number;
  /** True while more than one sequence is generating (for example `() => pool.ongoing > 1`). */
  readonly othersGenerating: () => boolean;
  /** node-llama-cpp's lock (`loadContextLock()`); without it new requests are admitted the stock way. */
  readonly withLock?: WithLock | undefined;
  /**
   * `LLMSERVE_FAST_DECODE=off` (everything off), `LLMSERVE_THREADPOOL=off`, `LLMSERVE_ALIGN_DECODE=off`,
   * `LLMSERVE_STEP_ADMISSION=off`, `LLMSERVE_THREADPOOL_POLL`; defaults to process.env.
   */
  readonly env?: NodeJS.ProcessEnv;
}

export interface FastDecode {
  /** `persistent` when the ggml threadpool is attached; `stock` otherwise (see `threadpoolReason`). */
  readonly threadpool: "persistent" | "stock";
  readonly threadpoolReason: string | undefined;
  /** Whether concurrent sequences share each decode step. */
  readonly alignedSteps: boolean;
  /** Whether a request on a reused sequence starts between decode steps instead of after every running one. */
  readonly admissionBetweenSteps: boolean;
  /** One line for the replica's log. */
  readonly summary: string;
  /** Frees the threadpool; call after the context (or its Llama) is disposed. */
  release(): void;
}

/**
 * The engine speed-ups of bench/README.md, applied to a freshly created context before anything is evaluated:
 * a persistent ggml threadpool (no OS threads started per token) and aligned decode steps (concurrent streams
 * share each decode), and new requests admitted between decode steps. Each falls back to node-llama-cpp's stock behaviour on its own, never throws.
 */
export function applyFastDecode(options: FastDecodeOptions): FastDecode {
  const env = options.env ?? process.env;
  const pool = attachPersistentThreadpool(options.context, options.model, {
    threads: options.threads,
    sequences: options.sequences.length,
    env,
  });
  const alignedSteps =
    options.sequences.length > 1 &&
    !isOff(env["LLMSERVE_FAST_DECODE"]) &&
    !isOff(env["LLMSERVE_ALIGN_DECODE"]) &&
    options.sequences.every((sequence) => alignDecodeSteps(sequence, options.othersGenerating));
  const admissionBetweenSteps =
    options.sequences.length > 1 &&
    options.withLock !== undefined &&
    !isOff(env["LLMSERVE_FAST_DECODE"]) &&
    !isOff(env["LLMSERVE_STEP_ADMISSION"]) &&
    admitBetweenSteps(options.context, options.sequences, options.othersGenerating, options.withLock);
  const summary =
    `decode threadpool: ${pool.kind}${pool.reason !== undefined ? ` (${pool.reason})` : ""}; ` +
    `decode steps: ${alignedSteps ? "aligned" : "stock"}; admission: ${admissionBetweenSteps ? "between steps" : "stock"}`;
  return { threadpool: pool.kind, threadpoolReason: pool.reason, alignedSteps, admissionBetweenSteps, summary, release: pool.release };
}
