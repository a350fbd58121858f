// The package's public library API. Named exports only; this is the only barrel.
export { createReasoningParser, reasoningParserNames } from "./reasoning/createReasoningParser.js";
export { UnknownReasoningParserError } from "./reasoning/errors/UnknownReasoningParserError.js";
export type {
  ReasoningParser,
  ReasoningParserOptions,
  ReasoningSplit,
  ReasoningStream,
} from "./reasoning/ReasoningParser.js";
export { resolveChatTemplateKwargs, thinkingRequested } from "./reasoning/chatTemplateKwargs.js";
export type { ThinkingToggles } from "./reasoning/chatTemplateKwargs.js";
export { reasoningDeltaFields, reasoningMessageFields } from "./reasoning/reasoningResponseFields.js";
export type {
  ReasoningFieldNames,
  ReasoningFieldOptions,
  ReasoningFields,
} from "./reasoning/reasoningResponseFields.js";
export { messagesForTemplate } from "./reasoning/messagesForTemplate.js";
export type { ChatMessageLike } from "./reasoning/messagesForTemplate.js";
export { promptThinkingState } from "./reasoning/promptThinkingState.js";
export { loadConfigFile } from "./config/loadConfigFile.js";
export { formatDiagnostic } from "./config/formatDiagnostic.js";
export type { Diagnostic } from "./config/Diagnostic.js";
export type {
  ConfigLoadResult,
  ConfigTarget,
  LoadConfigOptions,
  ResolvedApplication,
  ResolvedAutoscalingConfig,
  ResolvedConfig,
  ResolvedHttpOptions,
  ResolvedLlmConfig,
} from "./config/ResolvedConfig.js";
export type * from "./config/generated/schemaTypes.js";
