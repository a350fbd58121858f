import type { SequenceEvaluateOptions, Token } from "node-llama-cpp";

export interface GenerationEvaluateOptions extends SequenceEvaluateOptions {
  /**
   * The caller stops after this many sampled tokens; the native loop then does not sample past it. node-llama-cpp
   * ignores it.
   */
  readonly maxTokens?: number;
}

/**
 * One KV-cache sequence that generates: node-llama-cpp's `LlamaContextSequence` (its own decode loop) or a sequence
 * of llmserve's native generation loop (`generationLoop/`). The subset of node-llama-cpp's API the replica uses.
 */
export interface GenerationSequence {
  /** Tokens of the cached state that the next `evaluate` continues from. */
  readonly nextTokenIndex: number;
  compareContextTokens(tokens: Token[]): { firstDifferentIndex: number };
  /** Keeps the longest cached prefix of `tokens` and drops the rest of the cached state. */
  adaptStateToTokens(tokens: Token[], allowShift?: boolean): Promise<void>;
  /** Evaluates `tokens` after the cached state and yields sampled tokens until the consumer stops or generation ends. */
  evaluate(tokens: Token[], options?: GenerationEvaluateOptions): AsyncIterable<Token>;
}
