import type { GenerationTimings } from "../engine/GenerationTimings.js";

/**
 * llama-server's per-request `timings` object (prompt_* = up to the first token, predicted_* = the tokens after
 * it), plus `queue_ms`: the wait for a sequence in this replica. Sent in every completion answer so a client reads
 * it without scraping; the controller reads tokens and time to first token from it.
 */
export function timingsOf(result: { promptTokens: number; completionTokens: number; timings: GenerationTimings }): Record<string, number> {
  const { receivedAt, startedAt, firstTokenAt, endedAt } = result.timings;
  const firstAt = firstTokenAt ?? endedAt;
  const promptMs = firstAt - startedAt;
  const predicted = Math.max(0, result.completionTokens - 1);
  const predictedMs = endedAt - firstAt;
  return {
    queue_ms: round(startedAt - receivedAt),
    prompt_n: result.promptTokens,
    prompt_ms: round(promptMs),
    prompt_per_token_ms: round(promptMs / Math.max(1, result.promptTokens)),
    prompt_per_second: rate(result.promptTokens, promptMs),
    predicted_n: result.completionTokens,
    predicted_ms: round(predictedMs),
    predicted_per_token_ms: round(predictedMs / Math.max(1, predicted)),
    predicted_per_second: rate(predicted, predictedMs),
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function rate(tokens: number, ms: number): number {
  return ms > 0 ? round((tokens * 1000) / ms) : 0;
}
