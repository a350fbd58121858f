import type { ThinkTags } from "../../reasoning/ReasoningParser.js";

/** Where a rendered prompt leaves the model relative to a thinking block, for the reasoning parser. */
export interface ThinkingState {
  /** The prompt ends with an opened `<think>`: the output starts as reasoning. */
  readonly promptEndsInsideThinking: boolean;
  /** The prompt ends with a closed `</think>` (thinking switched off by the template): the output is content. */
  readonly promptEndsAfterThinking: boolean;
}

const OPEN_AT_END = /<(?:seed:)?think>\s*$/;
const CLOSE_AT_END = /<\/(?:seed:)?think>\s*$/;

/**
 * Reads the prompt's tail the way vLLM's `is_reasoning_end(prompt_ids)` and llama.cpp's `thinking_forced_open` do:
 * `<think>`/`<seed:think>` tags, or the configured `tags` (`reasoning_config`) instead when given.
 */
export function thinkingState(prompt: string, tags?: ThinkTags): ThinkingState {
  if (tags !== undefined) {
    const tail = prompt.trimEnd();
    return { promptEndsInsideThinking: tail.endsWith(tags.start), promptEndsAfterThinking: tail.endsWith(tags.end) };
  }
  return { promptEndsInsideThinking: OPEN_AT_END.test(prompt), promptEndsAfterThinking: CLOSE_AT_END.test(prompt) };
}
