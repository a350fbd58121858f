import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse } from "yaml";
import { controllerSpecFromConfig, type ControllerSpec, type ResolvedConfigView } from "./controllerSpec.js";

export type SpecLoadResult = { ok: true; spec: ControllerSpec } | { ok: false; message: string };

/**
 * Loads and validates a config file for the controller.
 * INTERIM: a minimal reader until the config branch's loadConfigFile is merged; `run` validates with the real
 * loader before the controller ever sees the file.
 */
export async function loadControllerSpec(path: string): Promise<SpecLoadResult> {
  const absolute = resolve(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolute);
  } catch (error) {
    return { ok: false, message: `cannot read ${absolute}: ${(error as Error).message}` };
  }
  let file: Record<string, unknown>;
  try {
    file = asRecord(parse(bytes.toString("utf8")));
  } catch (error) {
    return { ok: false, message: `${absolute}: ${(error as Error).message}` };
  }
  const http = asRecord(file["http_options"]);
  const applications = Array.isArray(file["applications"]) ? file["applications"] : [];
  const view: ResolvedConfigView = {
    sourcePath: absolute,
    sourceHash: createHash("sha256").update(bytes).digest("hex"),
    httpOptions: {
      host: typeof http["host"] === "string" ? http["host"] : "127.0.0.1",
      port: typeof http["port"] === "number" ? http["port"] : 8000,
      ...(typeof http["request_timeout_s"] === "number" ? { request_timeout_s: http["request_timeout_s"] } : {}),
    },
    applications: applications.map((raw) => {
      const app = asRecord(raw);
      const appEnv = asRecord(asRecord(app["runtime_env"])["env_vars"]);
      const llmConfigs = asRecord(app["args"])["llm_configs"];
      return {
        name: typeof app["name"] === "string" ? app["name"] : "default",
        routePrefix: app["route_prefix"] === null ? null : typeof app["route_prefix"] === "string" ? app["route_prefix"] : "/",
        llmConfigs: (Array.isArray(llmConfigs) ? llmConfigs : []).map((entry) => {
          const llm = typeof entry === "string"
            ? asRecord(parse(readFileSync(isAbsolute(entry) ? entry : resolve(dirname(absolute), entry), "utf8")))
            : asRecord(entry);
          const loading = asRecord(llm["model_loading_config"]);
          const deployment = asRecord(llm["deployment_config"]);
          const autoscaling = deployment["autoscaling_config"];
          const initial = asRecord(autoscaling)["initial_replicas"] ?? asRecord(autoscaling)["min_replicas"] ??
            deployment["num_replicas"] ?? 1;
          const gguf = loading["gguf_source"] ?? loading["model_source"];
          return {
            modelId: String(loading["model_id"]),
            ...(typeof gguf === "string"
              ? { ggufSource: isAbsolute(gguf) || /^[a-z]+:/.test(gguf) ? gguf : resolve(dirname(absolute), gguf) }
              : {}),
            deploymentConfig: deployment,
            autoscaling: autoscaling === undefined ? undefined : asRecord(autoscaling),
            initialReplicas: typeof initial === "number" ? initial : 1,
            envVars: { ...stringRecord(appEnv), ...stringRecord(asRecord(asRecord(llm["runtime_env"])["env_vars"])) },
            raw: llm,
          };
        }),
      };
    }),
  };
  return { ok: true, spec: controllerSpecFromConfig(view) };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringRecord(value: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}
