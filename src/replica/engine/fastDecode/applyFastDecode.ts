import type { LlamaContext, LlamaModel } from "node-llama-cpp";
import { startGenerationLoop } from "../generationLoop/startGenerationLoop.js";
import type { GenerationSequence } from "../GenerationSequence.js";
import { admitBetweenSteps } from "./admitBetweenSteps.js";
import { alignDecodeSteps } from "./alignDecodeSteps.js";
import { attachPersistentThreadpool } from "./attachPersistentThreadpool.js";
import { isOff } from "./isOff.js";
import type { WithLock } from "./loadContextLock.js";
import { loadFastDecodeAddon, type FastDecodeAddonLoad } from "./loadFastDecodeAddon.js";

export interface FastDecodeOptions {
  readonly context: LlamaContext;
  readonly model: LlamaModel;
  /** The context's `sequences`: all of them are created here, before anything is evaluated. */
  readonly sequenceCount: number;
  /** The context's `threads`. */
  readonly threads: number;
  /** True while more than one sequence is generating (for example `() => pool.ongoing > 1`). */
  readonly othersGenerating: () => boolean;
  /** node-llama-cpp's lock (`loadContextLock()`); without it new requests are admitted the stock way. */
  readonly withLock?: WithLock | undefined;
  /**
   * `LLMSERVE_FAST_DECODE=off` (everything off), `LLMSERVE_THREADPOOL=off`, `LLMSERVE_GENERATION_LOOP=off`,
   * `LLMSERVE_ALIGN_DECODE=off`, `LLMSERVE_STEP_ADMISSION=off`, `LLMSERVE_THREADPOOL_POLL`; defaults to process.env.
   */
  readonly env?: NodeJS.ProcessEnv;
  /** The addon to use; defaults to the package's own build (`loadFastDecodeAddon()`). */
  readonly addonLoad?: FastDecodeAddonLoad;
}

export interface FastDecode {
  /** The context's sequences, in sequence-id order. */
  readonly sequences: readonly GenerationSequence[];
  /** `persistent` when the ggml threadpool is attached; `stock` otherwise (see `threadpoolReason`). */
  readonly threadpool: "persistent" | "stock";
  readonly threadpoolReason: string | undefined;
  /** `native`: llmserve's generation loop decodes and samples; `node-llama-cpp`: its own evaluate loop. */
  readonly generation: "native" | "node-llama-cpp";
  /** On node-llama-cpp's loop: whether concurrent sequences share each decode step (the native loop always does). */
  readonly alignedSteps: boolean;
  /** On node-llama-cpp's loop: whether a request on a reused sequence starts between decode steps. */
  readonly admissionBetweenSteps: boolean;
  /** One line for the replica's log. */
  readonly summary: string;
  /** Stops the native loop; call before the context (or its Llama) is disposed. */
  stop(): void;
  /** Frees the threadpool; call after the context (or its Llama) is disposed. */
  release(): void;
}

/**
 * The engine speed-ups of bench/README.md, applied to a freshly created context before anything is evaluated:
 * a persistent ggml threadpool (no OS threads started per token) and llmserve's native generation loop (one native
 * thread decodes and samples all sequences per step). Where the loop is not available, node-llama-cpp's loop with
 * aligned decode steps (concurrent streams share each decode) and new requests admitted between decode steps.
 * Each part falls back to node-llama-cpp's stock behaviour on its own; never throws.
 */
export function applyFastDecode(options: FastDecodeOptions): FastDecode {
  const env = options.env ?? process.env;
  const addonLoad: FastDecodeAddonLoad | undefined = isOff(env["LLMSERVE_FAST_DECODE"]) ? undefined : (options.addonLoad ?? loadFastDecodeAddon());
  const pool = attachPersistentThreadpool(options.context, options.model, {
    threads: options.threads,
    sequences: options.sequenceCount,
    env,
    ...(addonLoad !== undefined ? { addonLoad } : {}),
  });
  const threadpoolSummary = `decode threadpool: ${pool.kind}${pool.reason !== undefined ? ` (${pool.reason})` : ""}`;
  const loop = startGenerationLoop(options.context, options.model, {
    sequences: options.sequenceCount,
    threadpool: pool.handle,
    env,
    ...(addonLoad !== undefined ? { addonLoad } : {}),
  });
  if (loop.ok) {
    return {
      sequences: loop.sequences,
      threadpool: pool.kind,
      threadpoolReason: pool.reason,
      generation: "native",
      alignedSteps: true,
      admissionBetweenSteps: true,
      summary: `${threadpoolSummary}; generation: native loop`,
      stop: loop.close,
      release: pool.release,
    };
  }

  const sequences = Array.from({ length: options.sequenceCount }, () => options.context.getSequence());
  const alignedSteps =
    sequences.length > 1 &&
    !isOff(env["LLMSERVE_FAST_DECODE"]) &&
    !isOff(env["LLMSERVE_ALIGN_DECODE"]) &&
    sequences.every((sequence) => alignDecodeSteps(sequence, options.othersGenerating));
  const admissionBetweenSteps =
    sequences.length > 1 &&
    options.withLock !== undefined &&
    !isOff(env["LLMSERVE_FAST_DECODE"]) &&
    !isOff(env["LLMSERVE_STEP_ADMISSION"]) &&
    admitBetweenSteps(options.context, sequences, options.othersGenerating, options.withLock);
  const summary =
    `${threadpoolSummary}; generation: node-llama-cpp (${loop.reason}); ` +
    `decode steps: ${alignedSteps ? "aligned" : "stock"}; admission: ${admissionBetweenSteps ? "between steps" : "stock"}`;
  return {
    sequences,
    threadpool: pool.kind,
    threadpoolReason: pool.reason,
    generation: "node-llama-cpp",
    alignedSteps,
    admissionBetweenSteps,
    summary,
    stop: () => undefined,
    release: pool.release,
  };
}
