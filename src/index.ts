// The package's public library API. Named exports only; this is the only barrel.
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
