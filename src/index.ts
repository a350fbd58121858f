// The package's public library API. Named exports only; this is the only barrel.
export { closeThoughtText, createReasoningParser, reasoningParserNames } from "./reasoning/createReasoningParser.js";
export { createReasoningTokenCounter } from "./reasoning/createReasoningTokenCounter.js";
export type { ReasoningTokenCounter } from "./reasoning/createReasoningTokenCounter.js";
export { UnknownReasoningParserError } from "./reasoning/errors/UnknownReasoningParserError.js";
export type {
  ReasoningParser,
  ReasoningParserOptions,
  ReasoningProgress,
  ReasoningSplit,
  ReasoningStream,
  ThinkTags,
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
export { translateForRay } from "./ray/translateForRay.js";
export type { RayServeDeployConfig, RayTranslation } from "./ray/translateForRay.js";
export { rayStatus, formatServeStatus } from "./ray/rayStatus.js";
export type { RayServeStatus, RayApplicationStatus, RayDeploymentStatus } from "./ray/rayStatus.js";
export { rayShutdown } from "./ray/rayShutdown.js";
export type { RayShutdownOptions, RayShutdownResult } from "./ray/rayShutdown.js";
export { rayDeploy } from "./ray/rayDeploy.js";
export type { RayDeployOptions, RayDeployResult } from "./ray/rayDeploy.js";
export { RayDashboardError } from "./ray/errors/RayDashboardError.js";
export type { RayDashboardErrorKind } from "./ray/errors/RayDashboardError.js";
