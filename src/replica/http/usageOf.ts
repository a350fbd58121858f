/** OpenAI's usage object from the tokens really processed (prompt tokenized, completion tokens sampled). */
export function usageOf(result: { promptTokens: number; completionTokens: number }): {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
} {
  return {
    prompt_tokens: result.promptTokens,
    completion_tokens: result.completionTokens,
    total_tokens: result.promptTokens + result.completionTokens,
  };
}
