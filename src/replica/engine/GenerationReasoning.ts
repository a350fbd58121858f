import type { Token } from "node-llama-cpp";
import type { ReasoningTokenCounter } from "../../reasoning/createReasoningTokenCounter.js";

/** The reasoning side of one generation: its token count and, with a thinking budget, how to close the thought. */
export interface GenerationReasoning {
  /** Fed every generated token (forced ones included); gives `reasoning_tokens`. */
  readonly counter: ReasoningTokenCounter;
  readonly budget?: ThinkingBudget | undefined;
}

export interface ThinkingBudget {
  /** Reasoning tokens allowed (0 closes the thought before the first token). */
  readonly limit: number;
  /** The parser's `closeThought` text as tokens, forced into the sequence once the budget is spent. */
  readonly closing: readonly Token[];
  /** How many leading tokens of `closing` are themselves reasoning text (the `\n` of `\n</think>`). */
  readonly closingReasoningTokens: number;
}

/**
 * The tokens to force now, or undefined to let the model go on. Called before each token is sampled: once the
 * reasoning so far (counting tokens the parser still holds back, `pendingTokens` not yet decoded) plus the closing's
 * own reasoning tokens reach the limit, the closing goes in, so the reasoning ends with exactly `limit` tokens (the
 * closing's leading reasoning tokens are dropped when even they do not fit). Never forces past `tokensLeft`.
 */
export function thoughtClosingToForce(
  budget: ThinkingBudget,
  counter: ReasoningTokenCounter,
  pendingTokens: number,
  tokensLeft: number,
): readonly Token[] | undefined {
  if (!counter.inReasoning()) return undefined;
  const used = counter.reasoningTokensAtMost() + pendingTokens;
  const over = used + budget.closingReasoningTokens - budget.limit;
  if (over < 0) return undefined;
  const dropped = Math.min(over, budget.closingReasoningTokens);
  return budget.closing.slice(dropped, dropped + Math.max(0, tokensLeft));
}
