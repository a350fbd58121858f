/**
 * OpenAI's usage object from the tokens really processed (prompt tokenized, completion tokens sampled or forced);
 * `completion_tokens_details.reasoning_tokens` when the count is known (a chat with a reasoning parser).
 */
export function usageOf(result: { promptTokens: number; completionTokens: number; reasoningTokens?: number }): {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  completion_tokens_details?: { reasoning_tokens: number };
} {
  return {
    prompt_tokens: result.promptTokens,
    completion_tokens: result.completionTokens,
    total_tokens: result.promptTokens + result.completionTokens,
    ...(result.reasoningTokens !== undefined ? { completion_tokens_details: { reasoning_tokens: result.reasoningTokens } } : {}),
  };
}
