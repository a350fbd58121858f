import type { ResolvedApplication, ResolvedConfig, ResolvedLlmConfig } from "./ResolvedConfig.js";

/** Finds the llm_config serving `modelId` (in application `appName` when given). Throws with a clear message. */
export function selectLlmConfig(
  config: ResolvedConfig,
  modelId: string,
  appName: string | undefined,
): { app: ResolvedApplication; llmConfig: ResolvedLlmConfig } {
  const apps = appName === undefined ? config.applications : config.applications.filter((app) => app.name === appName);
  if (appName !== undefined && apps.length === 0) {
    throw new Error(`${config.sourcePath} has no application named ${JSON.stringify(appName)} (it has ${config.applications.map((app) => app.name).join(", ")})`);
  }
  const matches = apps.flatMap((app) => app.llmConfigs.filter((llm) => llm.modelId === modelId).map((llmConfig) => ({ app, llmConfig })));
  const [first, second] = matches;
  if (first === undefined) {
    const known = apps.flatMap((app) => app.llmConfigs.map((llm) => llm.modelId));
    throw new Error(`${config.sourcePath} has no llm_config with model_id ${JSON.stringify(modelId)}${appName !== undefined ? ` in application ${appName}` : ""} (known: ${known.join(", ")})`);
  }
  if (second !== undefined) {
    throw new Error(`model_id ${JSON.stringify(modelId)} is served by applications ${matches.map((m) => m.app.name).join(", ")}; pass --app to choose one`);
  }
  return first;
}
