/** What a finished answer says about itself: its `usage`, finish reason and `timings`. */
export interface CompletionFacts {
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  /** vLLM's finished_reason values: stop, length, tool_calls (undefined when the answer said none). */
  finishReason: string | undefined;
  /** Replica-side milliseconds from llama-server's `timings` (undefined when the answer had none). */
  replicaQueueMs: number | undefined;
  promptMs: number | undefined;
  predictedMs: number | undefined;
}

const USAGE = `"usage":{`;
const TIMINGS = `"timings":{`;
const FINISH_REASON = `"finish_reason":"`;
const STOP_REASON = `"stop_reason":"`;
const INCOMPLETE_REASON = `"incomplete_details":{"reason":"`;

/**
 * Reads the facts from the end of an answer to `route` (a JSON body or a server-sent event stream; a stream's first
 * event may come first) of any of the APIs: Chat Completions / Completions (`usage.prompt_tokens`, `completion_tokens`,
 * `completion_tokens_details.reasoning_tokens`, `finish_reason`, llama-server's `timings`), Responses (`usage` of
 * `response.completed`: `input_tokens`, `output_tokens`, `output_tokens_details.reasoning_tokens`;
 * `incomplete_details.reason`) and Anthropic Messages (`message_start`'s usage for the input, `message_delta`'s
 * cumulative `output_tokens`; `stop_reason`). `usage` wins over `timings` for token counts; an answer with neither
 * yields undefined.
 *
 * The text is searched for the keys rather than parsed: only the small objects found are parsed, so a long stream
 * costs a few scans, not a JSON.parse per event. A key cannot match inside a JSON string (its quotes would be
 * escaped there); of keys that repeat, the last one is the answer's own (the usage of a Responses answer follows any
 * echoed tools or metadata), and a first `usage` (Anthropic's message_start) fills what the last one lacks.
 */
export function completionFacts(text: string, route: string): CompletionFacts | undefined {
  const firstAt = text.indexOf(USAGE);
  const lastAt = text.lastIndexOf(USAGE);
  const usage: Record<string, unknown> = { ...objectAfter(text, firstAt, USAGE), ...(lastAt > firstAt ? objectAfter(text, lastAt, USAGE) : undefined) };
  const timings = objectAfter(text, text.lastIndexOf(TIMINGS), TIMINGS);
  if (Object.keys(usage).length === 0 && timings === undefined) return undefined;
  const details = isObject(usage["completion_tokens_details"]) ? usage["completion_tokens_details"]
    : isObject(usage["output_tokens_details"]) ? usage["output_tokens_details"] : undefined;
  return {
    promptTokens: num(usage["prompt_tokens"]) ?? num(usage["input_tokens"]) ?? num(timings?.["prompt_n"]) ?? 0,
    completionTokens: num(usage["completion_tokens"]) ?? num(usage["output_tokens"]) ?? num(timings?.["predicted_n"]) ?? 0,
    reasoningTokens: num(details?.["reasoning_tokens"]) ?? 0,
    finishReason: finishReason(text, route),
    replicaQueueMs: num(timings?.["queue_ms"]),
    promptMs: num(timings?.["prompt_ms"]),
    predictedMs: num(timings?.["predicted_ms"]),
  };
}

/** The answer's finish reason in vLLM's words (tool_calls as the chat path says it). */
function finishReason(text: string, route: string): string | undefined {
  if (route === "/v1/messages") {
    const reason = stringAfter(text, STOP_REASON);
    return reason === undefined ? undefined : reason === "max_tokens" ? "length" : reason === "tool_use" ? "tool_calls" : "stop";
  }
  if (route === "/v1/responses") {
    // A completed response has `incomplete_details: null`.
    const reason = stringAfter(text, INCOMPLETE_REASON);
    return reason === undefined ? "stop" : reason === "max_output_tokens" ? "length" : reason;
  }
  return stringAfter(text, FINISH_REASON);
}

/** The string value after the last `key` (which ends with the opening quote). */
function stringAfter(text: string, key: string): string | undefined {
  const at = text.lastIndexOf(key);
  if (at < 0) return undefined;
  const start = at + key.length;
  const end = text.indexOf(`"`, start);
  return end < 0 ? undefined : text.slice(start, end);
}

/** The JSON object that starts at the last character of `key` found at `at` (-1: none), parsed. */
function objectAfter(text: string, at: number, key: string): Record<string, unknown> | undefined {
  if (at < 0) return undefined;
  const start = at + key.length - 1;
  const end = closingBrace(text, start);
  if (end < 0) return undefined;
  try {
    const value: unknown = JSON.parse(text.slice(start, end + 1));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Index of the brace that closes the one at `start`, skipping strings; -1 when the text ends first. */
function closingBrace(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x7b) {
      depth++;
    } else if (c === 0x7d && --depth === 0) {
      return i;
    }
  }
  return -1;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
