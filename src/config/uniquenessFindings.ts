import { errorAt, type Finding, type PathSegment } from "./Finding.js";
import { applicationsOf, llmConfigsOf, recordAt } from "./walkConfig.js";

/** Application names, route prefixes and (within an application) model ids must be unique, as in Ray. */
export function uniquenessFindings(root: unknown): Finding[] {
  const findings: Finding[] = [];
  const names = new Map<string, PathSegment[]>();
  const prefixes = new Map<string, PathSegment[]>();
  for (const { app, segments } of applicationsOf(root)) {
    const name = app["name"] === undefined ? "default" : app["name"];
    if (typeof name === "string") {
      const where = app["name"] === undefined ? segments : [...segments, "name"];
      const first = names.get(name);
      if (first === undefined) names.set(name, where);
      else findings.push(duplicate(where, first, `application name '${name}' is used twice${app["name"] === undefined ? " (the default name)" : ""}; give each application a unique name`));
    }
    const prefix = app["route_prefix"] === undefined ? "/" : app["route_prefix"];
    if (typeof prefix === "string") {
      const where = app["route_prefix"] === undefined ? segments : [...segments, "route_prefix"];
      const first = prefixes.get(prefix);
      if (first === undefined) prefixes.set(prefix, where);
      else findings.push(duplicate(where, first, `route_prefix '${prefix}' is used by two applications${app["route_prefix"] === undefined ? " (the default prefix)" : ""}; give each application its own prefix`));
    }
  }
  const modelIds = new Map<string, PathSegment[]>();
  for (const { llmConfig, llmSegments, appIndex } of llmConfigsOf(root)) {
    const modelId = recordAt(llmConfig, "model_loading_config")?.["model_id"];
    if (typeof modelId !== "string") continue;
    const key = `${appIndex}\u0000${modelId}`;
    const where = [...llmSegments, "model_loading_config", "model_id"];
    const first = modelIds.get(key);
    if (first === undefined) modelIds.set(key, where);
    else findings.push(duplicate(where, first, `model_id '${modelId}' is used twice in this application; model ids must be unique`));
  }
  return findings;
}

function duplicate(where: PathSegment[], first: PathSegment[], message: string): Finding {
  return { ...errorAt(where, message), firstAt: first };
}
