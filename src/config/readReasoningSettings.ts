import type { ThinkTags } from "../reasoning/ReasoningParser.js";

export interface ReasoningSettings {
  /** The reasoning parser's vLLM name, or undefined: the raw text is the content. */
  readonly reasoningParser: string | undefined;
  /** `reasoning_config`'s start/end strings, which replace a think-tag parser's own tags. */
  readonly reasoningTags: ThinkTags | undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The reasoning settings from `engine_kwargs` (validated before): `reasoning_parser`, else `reasoning_config`'s
 * own `reasoning_parser`, else, when `reasoning_config` gives both strings, deepseek_r1's rules on those strings.
 */
export function readReasoningSettings(engineKwargs: Readonly<Record<string, unknown>>): ReasoningSettings {
  const config = engineKwargs["reasoning_config"];
  const record = config !== null && typeof config === "object" ? (config as Record<string, unknown>) : {};
  const start = text(record["reasoning_start_str"]);
  const end = text(record["reasoning_end_str"]);
  const reasoningTags = start !== undefined && end !== undefined ? { start, end } : undefined;
  const named = text(engineKwargs["reasoning_parser"]) ?? text(record["reasoning_parser"]);
  return { reasoningParser: named ?? (reasoningTags !== undefined ? "deepseek_r1" : undefined), reasoningTags };
}
