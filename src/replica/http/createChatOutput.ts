import { createReasoningParser } from "../../reasoning/createReasoningParser.js";
import type { ReasoningSplit } from "../../reasoning/ReasoningParser.js";
import type { ThinkingState } from "../prompt/thinkingState.js";
import type { ReasoningFieldChoice } from "../ReplicaSettings.js";

/** Turns generated text into the assistant message fields (non-streamed) or delta fields (streamed). */
export interface ChatOutput {
  /** The message fields for the whole output: `content` plus the configured reasoning fields. */
  message(text: string): Record<string, string | null>;
  /** A per-generation stream: the delta fields for each piece of text (undefined when nothing to send). */
  stream(): {
    push(delta: string): Record<string, string> | undefined;
    end(): Record<string, string> | undefined;
  };
}

export interface ChatOutputOptions {
  /** `engine_kwargs.reasoning_parser`, or undefined: then the raw text (tags included) is the content. */
  readonly parserName: string | undefined;
  readonly reasoningField: ReasoningFieldChoice;
  /** false (`include_reasoning: false`): the reasoning is split off and dropped. */
  readonly includeReasoning: boolean;
  readonly chatTemplateKwargs: Readonly<Record<string, unknown>>;
  readonly thinking: ThinkingState;
}

/**
 * The server side of reasoning: with a reasoning parser, reasoning goes to `reasoning_content` and/or `reasoning`
 * (config: both by default) and the answer to `content`; thinking switched off (by the template kwargs or a
 * prompt that already closed `</think>`) gives null reasoning. Without a parser the raw text is the content.
 */
export function createChatOutput(options: ChatOutputOptions): ChatOutput {
  const { parserName } = options;
  if (parserName === undefined) {
    return {
      message: (text) => ({ content: text }),
      stream: () => ({ push: (delta) => (delta === "" ? undefined : { content: delta }), end: () => undefined }),
    };
  }
  const parser = createReasoningParser(parserName, {
    chatTemplateKwargs: { ...options.chatTemplateKwargs },
    promptEndsInsideThinking: options.thinking.promptEndsInsideThinking,
    promptEndsAfterThinking: options.thinking.promptEndsAfterThinking,
  });
  const fieldNames: readonly string[] =
    options.reasoningField === "both" ? ["reasoning_content", "reasoning"] : [options.reasoningField];
  const messageFields = (split: ReasoningSplit): Record<string, string | null> => {
    const fields: Record<string, string | null> = { content: split.content };
    for (const name of fieldNames) fields[name] = options.includeReasoning ? split.reasoning : null;
    return fields;
  };
  const deltaFields = (split: ReasoningSplit): Record<string, string> | undefined => {
    const fields: Record<string, string> = {};
    if (split.reasoning !== null && split.reasoning !== "" && options.includeReasoning) {
      for (const name of fieldNames) fields[name] = split.reasoning;
    }
    if (split.content !== null && split.content !== "") fields["content"] = split.content;
    return Object.keys(fields).length > 0 ? fields : undefined;
  };
  return {
    message: (text) => messageFields(parser.extract(text)),
    stream: () => {
      const stream = parser.stream();
      return { push: (delta) => deltaFields(stream.push(delta)), end: () => deltaFields(stream.end()) };
    },
  };
}
