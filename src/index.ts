// The package's public library API. Named exports only; this is the only barrel.
export { createReasoningParser, reasoningParserNames } from "./reasoning/createReasoningParser.js";
export { UnknownReasoningParserError } from "./reasoning/errors/UnknownReasoningParserError.js";
export type {
  ReasoningParser,
  ReasoningParserOptions,
  ReasoningSplit,
  ReasoningStream,
} from "./reasoning/ReasoningParser.js";
