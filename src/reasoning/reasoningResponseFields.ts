import type { ReasoningSplit } from "./ReasoningParser.js";

/**
 * Which response field carries the reasoning:
 * - `"reasoning"`: vLLM's current name (also Ollama, LocalAI, OpenRouter);
 * - `"reasoning_content"`: DeepSeek's name (llama-server, LM Studio, older vLLM);
 * - `"both"`: both, with the same value (what most clients can read).
 */
export type ReasoningFieldNames = "reasoning" | "reasoning_content" | "both";

export interface ReasoningFieldOptions {
  /** Defaults to `"both"`. */
  fieldNames?: ReasoningFieldNames;
  /** The request's `include_reasoning`; `false` drops the reasoning from the response. Defaults to `true`. */
  includeReasoning?: boolean;
}

/** The reasoning part of a chat message or delta. */
export interface ReasoningFields {
  reasoning?: string | null;
  reasoning_content?: string | null;
}

function reasoningKeys(fieldNames: ReasoningFieldNames): Array<keyof ReasoningFields> {
  return fieldNames === "both" ? ["reasoning", "reasoning_content"] : [fieldNames];
}

/**
 * The `message` fields of a non-streamed chat completion choice for a split: `content` (null when empty) and the
 * reasoning field(s), null when there is no reasoning or `include_reasoning` is false (the keys stay, as in vLLM).
 */
export function reasoningMessageFields(
  split: ReasoningSplit,
  options: ReasoningFieldOptions = {},
): ReasoningFields & { content: string | null } {
  const reasoning = options.includeReasoning === false ? null : split.reasoning;
  const fields: ReasoningFields & { content: string | null } = { content: split.content };
  for (const key of reasoningKeys(options.fieldNames ?? "both")) fields[key] = reasoning;
  return fields;
}

/**
 * The `delta` fields of one streamed chunk for a pushed split, set fields only (vLLM sends deltas with
 * `exclude_unset`): `content` and/or the reasoning field(s). `undefined` when there is nothing to send, so the
 * caller skips the chunk (unless it must carry a finish_reason).
 */
export function reasoningDeltaFields(
  split: ReasoningSplit,
  options: ReasoningFieldOptions = {},
): (ReasoningFields & { content?: string }) | undefined {
  const fields: ReasoningFields & { content?: string } = {};
  const reasoning = options.includeReasoning === false ? null : split.reasoning;
  if (reasoning) for (const key of reasoningKeys(options.fieldNames ?? "both")) fields[key] = reasoning;
  if (split.content) fields.content = split.content;
  return Object.keys(fields).length === 0 ? undefined : fields;
}
