import { LlamaGrammarEvaluationState, type Llama, type LlamaGrammar, type LlamaModel, type Token } from "node-llama-cpp";
import { compileGrammar } from "./compileGrammar.js";
import { createGrammarGate } from "./createGrammarGate.js";
import { createOverlongUtf8Guard } from "./createOverlongUtf8Guard.js";
import type { GrammarSource } from "./GrammarSource.js";
import type { ReasoningMarkers } from "./reasoningMarkersFor.js";

/** What the generation loop needs to apply a grammar to the content only. */
export interface ConstrainedSampling {
  /**
   * Pass as `grammarEvaluationState` to `LlamaContextSequence.evaluate(...)`: node-llama-cpp calls it before sampling
   * each token, so the constraint switches on mid-generation without a second call.
   */
  grammarEvaluationState: () => LlamaGrammarEvaluationState | undefined;
  /** Call with the text of every generated token, before asking the iterator for the next one. */
  onText(text: string): void;
  /**
   * Tokens to ban (as `tokenBias` "never") right after `previous`: the continuations that would make an overlong,
   * invalid UTF-8 sequence, which the grammar alone cannot refuse (see `createOverlongUtf8Guard`).
   */
  bannedAfter(previous: Token): readonly Token[];
}

/**
 * Compiles the grammar (and, for formats whose thinking is opened by the model, its "opening" variant) and returns
 * the lazily switched evaluation state. `reasoning` is undefined when there is no reasoning phase for this request.
 */
export async function createConstrainedSampling(options: {
  llama: Llama;
  model: LlamaModel;
  grammar: GrammarSource;
  reasoning: ReasoningMarkers | undefined;
  param?: string;
}): Promise<ConstrainedSampling> {
  const { llama, model, reasoning } = options;
  const compile = (markers?: readonly string[]): Promise<LlamaGrammar> =>
    compileGrammar(llama, options.grammar, { param: options.param, reasoningStartMarkers: markers });
  const contentState = new LlamaGrammarEvaluationState({ model, grammar: await compile() });
  const openingState = reasoning?.startRequired === true
    ? new LlamaGrammarEvaluationState({ model, grammar: await compile(reasoning.start) })
    : undefined;
  const gate = createGrammarGate(reasoning);
  const guard = createOverlongUtf8Guard(model);
  return {
    grammarEvaluationState: () => (gate.phase === "content" ? contentState : gate.phase === "opening" ? openingState : undefined),
    onText: (text) => gate.push(text),
    bannedAfter: (previous) => guard.bannedAfter(previous),
  };
}
