import type { ReasoningSplit } from "../../reasoning/ReasoningParser.js";
import type { ReasoningFieldChoice } from "../ReplicaSettings.js";

/** Chat completions' message and delta fields for a reasoning split. */
export interface ChatOutput {
  /** The message fields for the whole output: `content` plus the configured reasoning fields. */
  message(split: ReasoningSplit): Record<string, string | null>;
  /** The delta fields for one streamed piece (undefined when there is nothing to send). */
  delta(split: ReasoningSplit): Record<string, string> | undefined;
}

export interface ChatOutputOptions {
  /** false (no `reasoning_parser`): the raw text is the content and there are no reasoning fields at all. */
  readonly hasParser: boolean;
  readonly reasoningField: ReasoningFieldChoice;
  /** false (`include_reasoning: false`): the reasoning is split off and dropped. */
  readonly includeReasoning: boolean;
}

/**
 * Reasoning goes to `reasoning_content` and/or `reasoning` (config: both by default) and the answer to `content`;
 * thinking switched off gives null reasoning; without a reasoning parser the fields are left out.
 */
export function createChatOutput(options: ChatOutputOptions): ChatOutput {
  const fieldNames: readonly string[] = !options.hasParser
    ? []
    : options.reasoningField === "both" ? ["reasoning_content", "reasoning"] : [options.reasoningField];
  return {
    message(split) {
      const fields: Record<string, string | null> = { content: split.content };
      for (const name of fieldNames) fields[name] = options.includeReasoning ? split.reasoning : null;
      return fields;
    },
    delta(split) {
      const fields: Record<string, string> = {};
      if (split.reasoning !== null && split.reasoning !== "" && options.includeReasoning) {
        for (const name of fieldNames) fields[name] = split.reasoning;
      }
      if (split.content !== null && split.content !== "") fields["content"] = split.content;
      return Object.keys(fields).length > 0 ? fields : undefined;
    },
  };
}
