import type { LlamaContext, LlamaModel } from "node-llama-cpp";
import { readFileSync } from "node:fs";
import { isOff } from "./isOff.js";
import type { ThreadpoolHandle } from "./FastDecodeAddon.js";
import { loadFastDecodeAddon, type FastDecodeAddonLoad } from "./loadFastDecodeAddon.js";

/** The decode threadpool a context ended up with. */
export interface DecodeThreadpool {
  /** `persistent`: one pool for the context's life (as llama-server); `stock`: ggml's per-decode threads. */
  readonly kind: "persistent" | "stock";
  /** Why the stock path is used (absent when persistent). */
  readonly reason?: string;
  /** The addon's handle of a persistent pool (for the generation loop, which pauses it when idle). */
  readonly handle?: ThreadpoolHandle;
  /** Frees the pool. Call once, after the context (or its Llama) is disposed; extra calls do nothing. */
  release(): void;
}

export interface AttachPersistentThreadpoolOptions {
  /** The context's `threads` (must equal what it was created with). */
  readonly threads: number;
  /** The context's `sequences`. */
  readonly sequences: number;
  /**
   * ggml polling level, 0-100: how long idle pool threads spin for new work before sleeping.
   * Defaults to `$LLMSERVE_THREADPOOL_POLL`, else 50 (llama-server's default).
   */
  readonly poll?: number;
  /** Environment (for `LLMSERVE_FAST_DECODE=off` and the poll level); defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** For tests: another addon load result. */
  readonly addonLoad?: FastDecodeAddonLoad;
}

/**
 * Gives a freshly created node-llama-cpp context the persistent ggml threadpool that node-llama-cpp never
 * attaches. Without it, every decode with threads > 1 starts and joins new OS threads (milliseconds per token;
 * see bench/README.md). Call right after `model.createContext(...)`, before anything is evaluated. Never throws:
 * when the addon is missing, stale or refuses the context, the context keeps node-llama-cpp's stock behaviour
 * and `kind` is `stock` with the reason.
 */
export function attachPersistentThreadpool(
  context: LlamaContext,
  model: LlamaModel,
  options: AttachPersistentThreadpoolOptions,
): DecodeThreadpool {
  const env = options.env ?? process.env;
  const stock = (reason: string): DecodeThreadpool => ({ kind: "stock", reason, release: () => undefined });
  if (isOff(env["LLMSERVE_FAST_DECODE"])) return stock("disabled by LLMSERVE_FAST_DECODE");
  if (isOff(env["LLMSERVE_THREADPOOL"])) return stock("disabled by LLMSERVE_THREADPOOL");
  if (options.threads <= 1) return stock("one thread needs no threadpool");
  if (usesOpenMp()) return stock("llama.cpp is built with OpenMP, which keeps its own threads");
  const load = options.addonLoad ?? loadFastDecodeAddon();
  if (!load.ok) return stock(load.reason);
  const poll = options.poll ?? pollFromEnv(env["LLMSERVE_THREADPOOL_POLL"]) ?? 50;
  // node-llama-cpp keeps its native objects on these internal fields (3.22.1; the addon checks the version).
  const addonContext = (context as unknown as { _ctx?: object })._ctx;
  const addonModel = (model as unknown as { _model?: object })._model;
  if (addonContext === undefined || addonModel === undefined) return stock("node-llama-cpp's internals have changed");
  let handle: ReturnType<typeof load.addon.attachThreadpool>;
  try {
    handle = load.addon.attachThreadpool(addonContext, addonModel, { threads: options.threads, sequences: options.sequences, poll });
  } catch (error) {
    return stock(`the fastDecode addon refused the context: ${error instanceof Error ? error.message : String(error)}`);
  }
  let released = false;
  return {
    kind: "persistent",
    handle,
    release: () => {
      if (released) return;
      released = true;
      load.addon.freeThreadpool(handle);
    },
  };
}

function pollFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Math.min(100, Number(value));
}

/**
 * Whether the loaded llama.cpp runs its CPU threads with OpenMP (a local build with `GGML_OPENMP=ON`): ggml then
 * ignores an attached threadpool. Linux: libgomp is mapped into the process.
 */
function usesOpenMp(): boolean {
  try {
    return /\/libgomp\.so/.test(readFileSync("/proc/self/maps", "utf8"));
  } catch {
    return false;
  }
}
