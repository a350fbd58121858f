import type { ReasoningParser, ReasoningParserOptions } from "./ReasoningParser.js";

/** One entry of the parser registry. */
export interface ReasoningParserDefinition {
  create(options: ReasoningParserOptions): ReasoningParser;
  /**
   * The text that ends a thought in this model family's format and opens the answer, as the model itself would
   * write it (`"\n</think>\n\n"`). A thinking budget forces its tokens into the sequence once the budget is spent.
   */
  closeThought: string;
  /**
   * Tags that, at the very end of a rendered prompt (trailing whitespace ignored), say that the template opened
   * (`start`) or already closed (`end`) the thinking block. Absent for parsers whose markers are plain phrases.
   */
  promptTags?: { start: readonly string[]; end: readonly string[] };
  /** The parser splits on a start/end tag pair that `ReasoningParserOptions.thinkTags` may replace. */
  configurableTags?: boolean;
}
