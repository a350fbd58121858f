import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse } from "yaml";
import type { JsonObject } from "./translateForRay.js";

/**
 * The config file as the user wrote it (no llmserve defaults filled in, so Ray's own defaults apply on the
 * cluster), with `args.llm_configs` entries given as paths replaced by the parsed files: those paths are
 * relative to this machine and would not exist on the cluster. Call it after the file validated
 * (`loadConfigFile(path, { target: "ray" })`), which reports any unreadable or invalid file with a position.
 */
export async function readConfigForRay(path: string): Promise<JsonObject> {
  const file = parse(await readFile(path, "utf8")) as unknown;
  if (!isObject(file)) throw new TypeError(`${path} is not a mapping`);
  const baseDir = dirname(resolve(path));
  const applications = Array.isArray(file["applications"]) ? file["applications"] : [];
  const inlined = await Promise.all(
    applications.map(async (app: unknown) => {
      if (!isObject(app) || !isObject(app["args"]) || !Array.isArray(app["args"]["llm_configs"])) return app;
      const llmConfigs = await Promise.all(
        app["args"]["llm_configs"].map(async (entry: unknown) =>
          typeof entry === "string" ? (parse(await readFile(isAbsolute(entry) ? entry : resolve(baseDir, entry), "utf8")) as unknown) : entry,
        ),
      );
      return { ...app, args: { ...app["args"], llm_configs: llmConfigs } };
    }),
  );
  return { ...file, applications: inlined };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
