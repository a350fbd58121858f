import type { PathSegment } from "./Finding.js";

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value at `key` if it is a mapping. */
export function recordAt(parent: unknown, key: string): Json | undefined {
  if (!isRecord(parent)) return undefined;
  const value = parent[key];
  return isRecord(value) ? value : undefined;
}

export interface AppVisit {
  app: Json;
  appIndex: number;
  segments: PathSegment[];
}

export interface LlmConfigVisit extends AppVisit {
  llmConfig: Json;
  configIndex: number;
  llmSegments: PathSegment[];
}

/** The applications that are mappings, with their path. Tolerates any shape (schema errors are reported elsewhere). */
export function applicationsOf(root: unknown): AppVisit[] {
  const apps = isRecord(root) ? root["applications"] : undefined;
  if (!Array.isArray(apps)) return [];
  const visits: AppVisit[] = [];
  apps.forEach((app, appIndex) => {
    if (isRecord(app)) visits.push({ app, appIndex, segments: ["applications", appIndex] });
  });
  return visits;
}

/** Every llm_config that is a mapping (inline or already inlined from its file), with its path. */
export function llmConfigsOf(root: unknown): LlmConfigVisit[] {
  const visits: LlmConfigVisit[] = [];
  for (const appVisit of applicationsOf(root)) {
    const list = recordAt(appVisit.app, "args")?.["llm_configs"];
    if (!Array.isArray(list)) continue;
    list.forEach((llmConfig, configIndex) => {
      if (!isRecord(llmConfig)) return;
      const llmSegments = [...appVisit.segments, "args", "llm_configs", configIndex];
      visits.push({ ...appVisit, llmConfig, configIndex, llmSegments });
    });
  }
  return visits;
}

export function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}
