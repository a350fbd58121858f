import { DROPPED_KEY_NOTES, LLMSERVE_ONLY_KEYS, RAY_LLM_IMPORT_PATH } from "./llmserveOnlyKeys.js";

/** A JSON object as the YAML file holds it. */
export type JsonObject = { [key: string]: unknown };

/** Ray Serve's multi-application config (`ServeDeploySchema`): the body of `PUT /api/serve/applications/`. */
export interface RayServeDeployConfig {
  applications: JsonObject[];
  [key: string]: unknown;
}

export interface RayTranslation {
  /** The config to send to Ray (a fresh object; the input is never modified). */
  config: RayServeDeployConfig;
  /** Paths of the llmserve-only keys that were dropped, e.g. `applications[0].args.llm_configs[0].model_loading_config.gguf_source`. */
  droppedPaths: string[];
  /** Things the user should know about how the file behaves on Ray (one sentence each). */
  notes: string[];
}

/**
 * Translates an llmserve config file (the parsed YAML, with `llm_configs` given as paths already inlined) into
 * Ray Serve's config: drops the keys only the local engine reads, makes `import_path` explicit (Ray requires
 * it), and keeps every Ray field exactly as written, including `http_options.host`. Pure: no I/O.
 * Throws a TypeError when the input is not a config file object or still holds an `llm_configs` path.
 */
export function translateForRay(file: object): RayTranslation {
  if (!isObject(file) || !Array.isArray(file["applications"])) {
    throw new TypeError("translateForRay expects a config file object with an applications list");
  }
  const droppedPaths: string[] = [];
  const notes: string[] = [];
  const config = without(file, LLMSERVE_ONLY_KEYS.root, "", droppedPaths) as RayServeDeployConfig;

  if (isObject(config["http_options"])) {
    const httpOptions = without(config["http_options"], LLMSERVE_ONLY_KEYS.httpOptions, "http_options", droppedPaths);
    // An http_options left empty by the drop says nothing to Ray; leave it out rather than send `{}`.
    if (Object.keys(httpOptions).length === 0 && Object.keys(config["http_options"]).length > 0) delete config["http_options"];
    else config["http_options"] = httpOptions;
  }
  notes.push(...hostNotes(config["http_options"]));

  config.applications = (file["applications"] as unknown[]).map((app, index) =>
    translateApplication(app, `applications[${index}]`, droppedPaths),
  );
  for (const key of new Set(droppedPaths.map((path) => path.slice(path.lastIndexOf(".") + 1)))) {
    const note = DROPPED_KEY_NOTES[key];
    if (note !== undefined) notes.push(note);
  }
  return { config, droppedPaths, notes };
}

function translateApplication(app: unknown, path: string, droppedPaths: string[]): JsonObject {
  if (!isObject(app)) throw new TypeError(`${path} is not a mapping`);
  const copy = without(app, LLMSERVE_ONLY_KEYS.application, path, droppedPaths);
  const args = copy["args"];
  if (isObject(args) && Array.isArray(args["llm_configs"])) {
    copy["args"] = {
      ...args,
      llm_configs: args["llm_configs"].map((llmConfig: unknown, index: number) =>
        translateLlmConfig(llmConfig, `${path}.args.llm_configs[${index}]`, droppedPaths),
      ),
    };
  }
  return withImportPath(copy);
}

function translateLlmConfig(llmConfig: unknown, path: string, droppedPaths: string[]): JsonObject {
  if (typeof llmConfig === "string") {
    throw new TypeError(`${path} is the path '${llmConfig}': inline llm_configs files before translating`);
  }
  if (!isObject(llmConfig)) throw new TypeError(`${path} is not a mapping`);
  const copy = without(llmConfig, LLMSERVE_ONLY_KEYS.llmConfig, path, droppedPaths);
  if (isObject(copy["model_loading_config"])) {
    copy["model_loading_config"] = without(
      copy["model_loading_config"],
      LLMSERVE_ONLY_KEYS.modelLoadingConfig,
      `${path}.model_loading_config`,
      droppedPaths,
    );
  }
  if (isObject(copy["engine_kwargs"])) {
    copy["engine_kwargs"] = without(copy["engine_kwargs"], LLMSERVE_ONLY_KEYS.engineKwargs, `${path}.engine_kwargs`, droppedPaths);
  }
  return copy;
}

/** Ray requires `import_path`; llmserve defaults it. Placed after name/route_prefix, as Ray's docs write it. */
function withImportPath(app: JsonObject): JsonObject {
  if (app["import_path"] !== undefined) return app;
  const result: JsonObject = {};
  const anchor = "route_prefix" in app ? "route_prefix" : "name" in app ? "name" : undefined;
  if (anchor === undefined) result["import_path"] = RAY_LLM_IMPORT_PATH;
  for (const [key, value] of Object.entries(app)) {
    result[key] = value;
    if (key === anchor) result["import_path"] = RAY_LLM_IMPORT_PATH;
  }
  return result;
}

function hostNotes(httpOptions: unknown): string[] {
  const host = isObject(httpOptions) ? httpOptions["host"] : undefined;
  if (host === undefined) {
    return [
      "http_options.host is not set: on the cluster Ray Serve listens on 0.0.0.0 (every interface of every node), " +
        "while llmserve's local default is 127.0.0.1. Set it explicitly to choose.",
    ];
  }
  if (host === "127.0.0.1" || host === "localhost" || host === "::1") {
    return [
      `http_options.host is ${String(host)}: on the cluster each Ray Serve proxy will accept connections only from ` +
        "its own node. Set 0.0.0.0 to reach the app from outside the cluster nodes.",
    ];
  }
  return [];
}

/** A deep copy of `object` without `keys` (each dropped key that was present is recorded). */
function without(object: JsonObject, keys: readonly string[], path: string, droppedPaths: string[]): JsonObject {
  const copy: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (keys.includes(key)) {
      droppedPaths.push(path === "" ? key : `${path}.${key}`);
      continue;
    }
    copy[key] = structuredClone(value);
  }
  return copy;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
