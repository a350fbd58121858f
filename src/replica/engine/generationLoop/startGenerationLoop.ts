import type { LlamaContext, LlamaModel, Token } from "node-llama-cpp";
import { GENERATION_EVENT, type FastDecodeAddon, type ThreadpoolHandle } from "../fastDecode/FastDecodeAddon.js";
import { isOff } from "../fastDecode/isOff.js";
import { loadFastDecodeAddon, type FastDecodeAddonLoad } from "../fastDecode/loadFastDecodeAddon.js";
import { createGenerationRun, type GenerationRun } from "./createGenerationRun.js";
import { nativeGenerationOptions } from "./nativeGenerationOptions.js";
import { NativeSequence } from "./NativeSequence.js";

export type GenerationLoopStart =
  | { readonly ok: true; readonly sequences: readonly NativeSequence[]; close(): void }
  | { readonly ok: false; readonly reason: string };

export interface StartGenerationLoopOptions {
  /** The context's `sequences`: every one of them generates through the loop (never through node-llama-cpp). */
  readonly sequences: number;
  /** `LLMSERVE_FAST_DECODE=off` or `LLMSERVE_GENERATION_LOOP=off` leave node-llama-cpp's loop; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** The context's persistent threadpool, if any: the loop pauses it whenever it has nothing left to decode. */
  readonly threadpool?: ThreadpoolHandle | undefined;
  /** For tests: another addon load result. */
  readonly addonLoad?: FastDecodeAddonLoad;
}

/**
 * Starts llmserve's native generation loop (native/fastDecode/generationLoop.cpp) on a freshly created context:
 * one native thread decodes and samples every active sequence per step, and JS gets the sampled tokens in one call
 * per step, instead of node-llama-cpp's decode and sampling worker hops and promise chains per token (see
 * bench/README.md). The context's sequences must then only be used through the returned `sequences`. `close()`
 * stops the loop: call it before the context is disposed. Never throws: `ok: false` says why the loop is not used.
 */
export function startGenerationLoop(context: LlamaContext, model: LlamaModel, options: StartGenerationLoopOptions): GenerationLoopStart {
  const env = options.env ?? process.env;
  if (isOff(env["LLMSERVE_FAST_DECODE"])) return { ok: false, reason: "disabled by LLMSERVE_FAST_DECODE" };
  if (isOff(env["LLMSERVE_GENERATION_LOOP"])) return { ok: false, reason: "disabled by LLMSERVE_GENERATION_LOOP" };
  const load = options.addonLoad ?? loadFastDecodeAddon();
  if (!load.ok) return { ok: false, reason: load.reason };
  const native = load.addon.generationLoop;
  if (native === undefined) return { ok: false, reason: "the fastDecode addon predates the generation loop (reinstall)" };
  // node-llama-cpp keeps its native objects on these internal fields (3.22.1; the addon checks the version).
  const addonContext = (context as unknown as { _ctx?: object })._ctx;
  const addonModel = (model as unknown as { _model?: object })._model;
  if (addonContext === undefined || addonModel === undefined) return { ok: false, reason: "node-llama-cpp's internals have changed" };

  const runs = new Map<number, GenerationRun>();
  const dispatch = (events: Int32Array, messages: readonly string[]): void => {
    let message = 0;
    for (let index = 0; index + 2 < events.length; index += 3) {
      const run = runs.get(events[index + 1] as number);
      const value = events[index + 2] as number;
      switch (events[index]) {
        case GENERATION_EVENT.token:
          run?.onToken(value as Token);
          break;
        case GENERATION_EVENT.done:
          runs.delete(events[index + 1] as number);
          run?.onDone(value);
          break;
        case GENERATION_EVENT.failed:
          runs.delete(events[index + 1] as number);
          run?.onFailed(messages[message++] ?? "unknown error");
          break;
      }
    }
  };
  let handle: ReturnType<NonNullable<FastDecodeAddon["generationLoop"]>["create"]>;
  try {
    handle = native.create(addonContext, addonModel, dispatch, options.threadpool);
  } catch (error) {
    return { ok: false, reason: `the fastDecode addon refused the context: ${error instanceof Error ? error.message : String(error)}` };
  }
  let closed = false;
  const sequences = Array.from({ length: options.sequences }, (_, id) =>
    new NativeSequence(id, (sequence, prompt, trimFrom, evaluateOptions) => {
      if (closed) throw new Error("the generation loop is closed");
      const nativeOptions = nativeGenerationOptions(evaluateOptions);
      const run = createGenerationRun(
        {
          ack: (step) => native.ack(handle, sequence, step.biasKeys, step.biasValues, step.grammar),
          hold: (held) => native.hold(handle, sequence, held),
          stop: () => native.stop(handle, sequence),
        },
        nativeOptions.lockstep,
      );
      native.submit(handle, sequence, Uint32Array.from(prompt), trimFrom, nativeOptions);
      runs.set(sequence, run);
      return run;
    }),
  );
  return {
    ok: true,
    sequences,
    close: () => {
      if (closed) return;
      closed = true;
      // Until here the loop holds node-llama-cpp's native context and model objects (the addon keeps references),
      // and this closure the JS ones: node-llama-cpp frees what is garbage-collected.
      void context;
      native.close(handle);
      for (const run of runs.values()) run.onFailed("the engine was shut down");
      runs.clear();
    },
  };
}
