/** Where a rendered prompt leaves the model relative to a thinking block, for the reasoning parser. */
export interface ThinkingState {
  /** The prompt ends with an opened `<think>`: the output starts as reasoning. */
  readonly promptEndsInsideThinking: boolean;
  /** The prompt ends with a closed `</think>` (thinking switched off by the template): the output is content. */
  readonly promptEndsAfterThinking: boolean;
}

const OPEN_AT_END = /<(?:seed:)?think>\s*$/;
const CLOSE_AT_END = /<\/(?:seed:)?think>\s*$/;

/** Reads the prompt's tail the way vLLM's `is_reasoning_end(prompt_ids)` and llama.cpp's `thinking_forced_open` do. */
export function thinkingState(prompt: string): ThinkingState {
  return { promptEndsInsideThinking: OPEN_AT_END.test(prompt), promptEndsAfterThinking: CLOSE_AT_END.test(prompt) };
}
