/**
 * One piece of model output split into its thinking and its answer.
 * `null` means "nothing" for that field (for a streamed delta: emit nothing for it).
 */
export interface ReasoningSplit {
  reasoning: string | null;
  content: string | null;
}

/** The incremental side of a parser: feed the generated text delta by delta. */
export interface ReasoningStream {
  /**
   * What to emit for this delta. Text that may be the beginning of a tag (`"</thi"`) is held back until it
   * resolves, so a delta can yield nulls for both fields.
   */
  push(delta: string): ReasoningSplit;
  /** The generation is over: flush anything held back. */
  end(): ReasoningSplit;
  /**
   * Where the pushed text went, for counting reasoning tokens and enforcing thinking budgets. Every built-in
   * parser has it; a stream without it is counted from the text each push returns (less exact with held text).
   */
  progress?(): ReasoningProgress;
}

/** What a stream has decided so far, in offsets of all the text pushed into it. */
export interface ReasoningProgress {
  /** Characters whose channel is decided; the rest is held back (a possible tag). */
  readonly resolved: number;
  /** `[start, end)` ranges that went to the reasoning, in order, since the previous `progress()` call. */
  readonly reasoningRanges: readonly (readonly [number, number])[];
  /** Whether text pushed next starts out as reasoning (the stream is inside the thought). */
  readonly inReasoning: boolean;
}

/** Splits generated text into reasoning and content, with vLLM's semantics for the parser it was created for. */
export interface ReasoningParser {
  /** The whole output, not streamed. */
  extract(output: string): ReasoningSplit;
  /** A fresh incremental parser for one generation (one choice). */
  stream(): ReasoningStream;
}

export interface ReasoningParserOptions {
  /**
   * The chat template kwargs the request was rendered with (the model's defaults merged under the request's),
   * as vLLM passes them to its parsers: `enable_thinking` (Qwen3, deepseek_v3), `thinking` (deepseek_v3, Granite).
   * Defaults to `{}`.
   */
  chatTemplateKwargs?: Record<string, unknown>;
  /**
   * The rendered prompt ends inside an open thinking block (the template wrote `<think>`), so the output starts
   * as reasoning even for parsers that otherwise wait for a start tag. Defaults to `false`.
   */
  promptEndsInsideThinking?: boolean;
  /**
   * The rendered prompt already closed the thinking block (e.g. Qwen3's `<think>\n\n</think>\n\n` with
   * `enable_thinking: false`): the whole output is content. Takes precedence over the other options.
   * Defaults to `false`.
   */
  promptEndsAfterThinking?: boolean;
  /**
   * A tool-call parser reads the content (`tool_call_parser` is set and the request has tools), so parsers whose
   * format carries tool calls outside the answer (gpt-oss's `commentary` channel) pass them to the content in the
   * form that tool-call parser reads, instead of dropping them. Defaults to `false`.
   */
  keepToolCallText?: boolean;
  /**
   * The reasoning tags configured for the model (`engine_kwargs.reasoning_config`'s `reasoning_start_str` and
   * `reasoning_end_str`, vLLM's names): think-tag parsers (those whose definition has `configurableTags`) split on
   * them instead of their own tags. Defaults to the parser's own tags.
   */
  thinkTags?: ThinkTags;
}

/** A start and an end tag, e.g. `{ start: "<think>", end: "</think>" }`. */
export interface ThinkTags {
  start: string;
  end: string;
}
