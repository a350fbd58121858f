import type { LlamaGrammarEvaluationState, TokenBias } from "node-llama-cpp";
import type { NativeGenerationOptions } from "../fastDecode/FastDecodeAddon.js";
import type { GenerationEvaluateOptions } from "../GenerationSequence.js";

/** The per-token part of the settings: what a lockstep generation sends with each `ack`. */
export interface NativeStepOptions {
  readonly biasKeys?: Uint32Array | undefined;
  readonly biasValues?: Float32Array | undefined;
  readonly grammar?: object | undefined;
}

/** node-llama-cpp's defaults where `evaluate` options leave a field out (LlamaContextSequence._resolveSamplerConfig). */
const NODE_LLAMA_DEFAULTS = { temperature: 0, minP: 0, topK: 40, topP: 0.95, maxPunishTokens: 64 } as const;

/**
 * Whether the sampling settings can change from one token to the next (a grammar or bias given as a function, as
 * constrained sampling does): the native loop must then wait for JS after each token.
 */
export function needsLockstep(options: GenerationEvaluateOptions): boolean {
  return typeof options.tokenBias === "function" || typeof options.grammarEvaluationState === "function";
}

/**
 * Translates node-llama-cpp `evaluate` options (as `samplingOptions` builds them) into the native loop's settings,
 * with node-llama-cpp 3.22.1's defaults and semantics: the repetition penalties look at the last `maxPunishTokens`
 * generated tokens (`punishTokens` must return the generated tokens, which the loop tracks itself), a `TokenBias`
 * becomes its token/logit pairs, a grammar its native evaluation state.
 */
export function nativeGenerationOptions(options: GenerationEvaluateOptions): NativeGenerationOptions {
  const penalty = typeof options.repeatPenalty === "object" ? options.repeatPenalty : undefined;
  return {
    maxTokens: options.maxTokens ?? 2 ** 30,
    temperature: options.temperature ?? NODE_LLAMA_DEFAULTS.temperature,
    topK: options.topK ?? NODE_LLAMA_DEFAULTS.topK,
    topP: options.topP ?? NODE_LLAMA_DEFAULTS.topP,
    minP: options.minP ?? NODE_LLAMA_DEFAULTS.minP,
    seed: Math.max(0, Math.floor(Number.isFinite(options.seed) ? (options.seed as number) : Date.now() / 1000)) >>> 0,
    penaltyLastN: penalty === undefined ? 0 : Math.max(0, penalty.maxPunishTokens ?? NODE_LLAMA_DEFAULTS.maxPunishTokens),
    repeatPenalty: penalty?.penalty ?? 1,
    frequencyPenalty: penalty?.frequencyPenalty ?? 0,
    presencePenalty: penalty?.presencePenalty ?? 0,
    ...nativeStepOptions(options),
    lockstep: needsLockstep(options),
  };
}

/** The bias and grammar for the next token (functions are called now). */
export function nativeStepOptions(options: GenerationEvaluateOptions): NativeStepOptions {
  const bias = typeof options.tokenBias === "function" ? options.tokenBias() : options.tokenBias;
  const grammar = typeof options.grammarEvaluationState === "function" ? options.grammarEvaluationState() : options.grammarEvaluationState;
  return { ...biasArrays(bias), grammar: grammar === undefined ? undefined : addonGrammarState(grammar) };
}

// node-llama-cpp keeps a TokenBias's entries in `_biases` (token -> logit, EOG tokens already left out, "never" as
// -Infinity) and a grammar state's native object in `_state` (3.22.1; the addon is built for that version only).
function biasArrays(bias: TokenBias | undefined): Pick<NativeStepOptions, "biasKeys" | "biasValues"> {
  const entries = (bias as unknown as { _biases?: Map<number, number> } | undefined)?._biases;
  if (entries === undefined || entries.size === 0) return {};
  return { biasKeys: Uint32Array.from(entries.keys()), biasValues: Float32Array.from(entries.values()) };
}

function addonGrammarState(state: LlamaGrammarEvaluationState): object {
  const native = (state as unknown as { _state?: object })._state;
  if (native === undefined) throw new Error("node-llama-cpp's LlamaGrammarEvaluationState has changed shape");
  return native;
}
