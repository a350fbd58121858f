import { reasoningParserDefinition } from "./createReasoningParser.js";
import type { ReasoningParserOptions, ThinkTags } from "./ReasoningParser.js";

/**
 * What the end of a rendered prompt says about thinking, for parser `name` (the same signal as vLLM's
 * `is_reasoning_end(prompt_ids)` and llama.cpp's `thinking_forced_open`, but only at the very end of the prompt, so
 * think blocks of earlier turns do not count): the prompt ends with the start tag (Qwen3.5 / R1 templates write
 * `<think>\n`) → `promptEndsInsideThinking`; it ends with the end tag (Qwen3's `enable_thinking: false` writes
 * `<think>\n\n</think>\n\n`) → `promptEndsAfterThinking`. Trailing whitespace is ignored. Spread the result into
 * `createReasoningParser`'s options. `thinkTags` (the configured tags) replace a think-tag parser's own.
 * @throws UnknownReasoningParserError when `name` is not a known parser.
 */
export function promptThinkingState(
  name: string,
  renderedPrompt: string,
  thinkTags?: ThinkTags,
): Pick<ReasoningParserOptions, "promptEndsInsideThinking" | "promptEndsAfterThinking"> {
  const definition = reasoningParserDefinition(name);
  const configured = thinkTags !== undefined && definition.configurableTags === true;
  const tags = configured ? { start: [thinkTags.start], end: [thinkTags.end] } : definition.promptTags;
  const tail = renderedPrompt.trimEnd();
  return {
    promptEndsInsideThinking: tags?.start.some((tag) => tail.endsWith(tag)) ?? false,
    promptEndsAfterThinking: tags?.end.some((tag) => tail.endsWith(tag)) ?? false,
  };
}
