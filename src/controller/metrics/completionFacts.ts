/** What a finished completion answer says about itself: its `usage`, `finish_reason` and `timings`. */
export interface CompletionFacts {
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  finishReason: string | undefined;
  /** Replica-side milliseconds from llama-server's `timings` (undefined when the answer had none). */
  replicaQueueMs: number | undefined;
  promptMs: number | undefined;
  predictedMs: number | undefined;
}

/**
 * Reads the facts from an answer's text: a JSON body, or the tail of a server-sent event stream (the chunk with
 * `finish_reason` carries `timings`; the usage chunk, when the client asked for one, follows it). `usage` wins over
 * `timings` for token counts; a stream without either yields undefined.
 */
export function completionFacts(text: string, streamed: boolean): CompletionFacts | undefined {
  const objects = streamed ? sseObjects(text) : [parseObject(text)].filter((o) => o !== undefined);
  let usage: Record<string, unknown> | undefined;
  let timings: Record<string, unknown> | undefined;
  let finishReason: string | undefined;
  for (const object of objects) {
    if (isObject(object["usage"])) usage = object["usage"];
    if (isObject(object["timings"])) timings = object["timings"];
    const choices = object["choices"];
    const reason = Array.isArray(choices) && isObject(choices[0]) ? choices[0]["finish_reason"] : undefined;
    if (typeof reason === "string") finishReason = reason;
  }
  if (usage === undefined && timings === undefined) return undefined;
  const details = isObject(usage?.["completion_tokens_details"]) ? usage["completion_tokens_details"] : undefined;
  return {
    promptTokens: num(usage?.["prompt_tokens"]) ?? num(timings?.["prompt_n"]) ?? 0,
    completionTokens: num(usage?.["completion_tokens"]) ?? num(timings?.["predicted_n"]) ?? 0,
    reasoningTokens: num(details?.["reasoning_tokens"]) ?? 0,
    finishReason,
    replicaQueueMs: num(timings?.["queue_ms"]),
    promptMs: num(timings?.["prompt_ms"]),
    predictedMs: num(timings?.["predicted_ms"]),
  };
}

function sseObjects(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("data: {")) continue;
    const object = parseObject(line.slice(6));
    if (object !== undefined) out.push(object);
  }
  return out;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
