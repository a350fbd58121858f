import { errorAt, type Finding, type PathSegment } from "./Finding.js";
import { schemaDefault } from "./schemaDefault.js";
import { applicationsOf, llmConfigsOf, recordAt } from "./walkConfig.js";

/** Application names, route prefixes and (within an application) model ids must be unique, as in Ray. */
export function uniquenessFindings(root: unknown): Finding[] {
  const findings: Finding[] = [];
  const claimName = uniqueKeys(findings);
  const claimPrefix = uniqueKeys(findings);
  for (const { app, segments } of applicationsOf(root)) {
    const name = app["name"] === undefined ? schemaDefault("Application", "name") : app["name"];
    if (typeof name === "string") {
      claimName(
        name,
        app["name"] === undefined ? segments : [...segments, "name"],
        `application name '${name}' is used twice${app["name"] === undefined ? " (the default name)" : ""}; give each application a unique name`,
      );
    }
    const prefix = app["route_prefix"] === undefined ? schemaDefault("Application", "route_prefix") : app["route_prefix"];
    if (typeof prefix === "string") {
      claimPrefix(
        prefix,
        app["route_prefix"] === undefined ? segments : [...segments, "route_prefix"],
        `route_prefix '${prefix}' is used by two applications${app["route_prefix"] === undefined ? " (the default prefix)" : ""}; give each application its own prefix`,
      );
    }
  }
  const claimModelId = uniqueKeys(findings);
  for (const { llmConfig, llmSegments, appIndex } of llmConfigsOf(root)) {
    const modelId = recordAt(llmConfig, "model_loading_config")?.["model_id"];
    if (typeof modelId !== "string") continue;
    claimModelId(
      `${appIndex}\u0000${modelId}`,
      [...llmSegments, "model_loading_config", "model_id"],
      `model_id '${modelId}' is used twice in this application; model ids must be unique`,
    );
  }
  return findings;
}

/** Remembers where each key was first seen; seeing it again adds a finding at the new place that points at the first. */
function uniqueKeys(findings: Finding[]): (key: string, where: PathSegment[], message: string) => void {
  const firstAt = new Map<string, PathSegment[]>();
  return (key, where, message) => {
    const first = firstAt.get(key);
    if (first === undefined) firstAt.set(key, where);
    else findings.push({ ...errorAt(where, message), firstAt: first });
  };
}
