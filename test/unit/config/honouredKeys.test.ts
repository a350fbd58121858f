import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configSchema, isIgnoredLocally, resolveRef, type SchemaNode } from "../../../src/config/configSchema.js";
import { REPO_ROOT } from "../../helpers/cli.js";

/**
 * Every key the schema does not mark ignored locally claims an effect on a local run. Each one is listed here with
 * the source file that reads it and the identifier it is read by: a key added without being read (or marked
 * ignored) fails the first test, a reader that goes away fails the second.
 */
const HONOURED: Readonly<Record<string, readonly [file: string, token: string]>> = {
  applications: ["src/config/resolveConfig.ts", "file.applications"],
  "applications[].name": ["src/config/resolveConfig.ts", "app.name"],
  "applications[].route_prefix": ["src/controller/router.ts", "routePrefix"],
  "applications[].import_path": ["src/config/schemaFindings.ts", "import_path"],
  "applications[].runtime_env": ["src/config/resolveConfig.ts", "app.runtime_env"],
  "applications[].runtime_env.env_vars": ["src/config/resolveConfig.ts", "runtime_env?.env_vars"],
  "applications[].args": ["src/config/resolveConfig.ts", "app.args.llm_configs"],
  "applications[].args.llm_configs": ["src/config/resolveConfig.ts", "app.args.llm_configs"],
  "applications[].args.llm_configs[].model_loading_config": ["src/config/resolveConfig.ts", "raw.model_loading_config"],
  "applications[].args.llm_configs[].model_loading_config.model_id": ["src/config/resolveConfig.ts", "loading.model_id"],
  "applications[].args.llm_configs[].model_loading_config.model_source": ["src/config/resolveConfig.ts", "loading.model_source"],
  "applications[].args.llm_configs[].model_loading_config.model_source.bucket_uri": ["src/config/resolveConfig.ts", "bucket_uri"],
  "applications[].args.llm_configs[].model_loading_config.gguf_source": ["src/config/resolveConfig.ts", "loading.gguf_source"],
  "applications[].args.llm_configs[].engine_kwargs": ["src/config/replicaSpecFor.ts", "llmConfig.engineKwargs"],
  "applications[].args.llm_configs[].engine_kwargs.tensor_parallel_size": ["src/controller/controllerSpec.ts", "tensor_parallel_size"],
  "applications[].args.llm_configs[].engine_kwargs.pipeline_parallel_size": ["src/controller/controllerSpec.ts", "pipeline_parallel_size"],
  "applications[].args.llm_configs[].engine_kwargs.max_model_len": ["src/config/replicaSpecFor.ts", "max_model_len"],
  "applications[].args.llm_configs[].engine_kwargs.max_num_seqs": ["src/config/replicaSpecFor.ts", "max_num_seqs"],
  "applications[].args.llm_configs[].engine_kwargs.max_num_batched_tokens": ["src/config/replicaSpecFor.ts", "max_num_batched_tokens"],
  "applications[].args.llm_configs[].engine_kwargs.seed": ["src/config/replicaSpecFor.ts", "engine.seed"],
  "applications[].args.llm_configs[].engine_kwargs.gpu_memory_utilization": ["src/controller/controllerSpec.ts", "gpu_memory_utilization"],
  "applications[].args.llm_configs[].engine_kwargs.enable_auto_tool_choice": ["src/config/replicaSpecFor.ts", "enable_auto_tool_choice"],
  "applications[].args.llm_configs[].engine_kwargs.tool_call_parser": ["src/config/replicaSpecFor.ts", "tool_call_parser"],
  "applications[].args.llm_configs[].engine_kwargs.reasoning_parser": ["src/config/readReasoningSettings.ts", 'engineKwargs["reasoning_parser"]'],
  "applications[].args.llm_configs[].engine_kwargs.reasoning_config": ["src/config/readReasoningSettings.ts", 'engineKwargs["reasoning_config"]'],
  "applications[].args.llm_configs[].engine_kwargs.reasoning_config.reasoning_start_str": ["src/config/readReasoningSettings.ts", "reasoning_start_str"],
  "applications[].args.llm_configs[].engine_kwargs.reasoning_config.reasoning_end_str": ["src/config/readReasoningSettings.ts", "reasoning_end_str"],
  "applications[].args.llm_configs[].engine_kwargs.reasoning_config.reasoning_parser": ["src/config/readReasoningSettings.ts", 'record["reasoning_parser"]'],
  "applications[].args.llm_configs[].engine_kwargs.chat_template": ["src/config/replicaSpecFor.ts", "chat_template"],
  "applications[].args.llm_configs[].engine_kwargs.default_chat_template_kwargs": ["src/config/replicaSpecFor.ts", "default_chat_template_kwargs"],
  "applications[].args.llm_configs[].engine_kwargs.task": ["src/config/replicaSpecFor.ts", "engine.task"],
  "applications[].args.llm_configs[].engine_kwargs.runner": ["src/config/replicaSpecFor.ts", "runner"],
  "applications[].args.llm_configs[].engine_kwargs.convert": ["src/config/replicaSpecFor.ts", "convert"],
  "applications[].args.llm_configs[].engine_kwargs.reasoning_field": ["src/config/replicaSpecFor.ts", "reasoning_field"],
  "applications[].args.llm_configs[].engine_kwargs.thinking_token_budget": ["src/config/replicaSpecFor.ts", "thinking_token_budget"],
  "applications[].args.llm_configs[].accelerator_type": ["src/config/resolveConfig.ts", "raw.accelerator_type"],
  "applications[].args.llm_configs[].deployment_config": ["src/config/resolveConfig.ts", "raw.deployment_config"],
  "applications[].args.llm_configs[].deployment_config.name": ["src/config/resolveConfig.ts", "deploymentConfig.name"],
  "applications[].args.llm_configs[].deployment_config.num_replicas": ["src/config/resolveConfig.ts", "num_replicas"],
  "applications[].args.llm_configs[].deployment_config.max_ongoing_requests": ["src/controller/controllerSpec.ts", "max_ongoing_requests"],
  "applications[].args.llm_configs[].deployment_config.max_queued_requests": ["src/controller/controllerSpec.ts", "max_queued_requests"],
  "applications[].args.llm_configs[].deployment_config.autoscaling_config": ["src/config/resolveConfig.ts", "autoscaling_config"],
  ...Object.fromEntries(
    [
      "min_replicas",
      "initial_replicas",
      "max_replicas",
      "target_ongoing_requests",
      "upscale_delay_s",
      "downscale_delay_s",
      "downscale_to_zero_delay_s",
      "upscaling_factor",
      "downscaling_factor",
      "smoothing_factor",
      "upscale_smoothing_factor",
      "downscale_smoothing_factor",
      "look_back_period_s",
      "metrics_interval_s",
      "aggregation_function",
    ].map((key) => [
      `applications[].args.llm_configs[].deployment_config.autoscaling_config.${key}`,
      ["src/config/resolveConfig.ts", `given.${key}`] as const,
    ]),
  ),
  "applications[].args.llm_configs[].deployment_config.health_check_period_s": ["src/controller/controllerSpec.ts", "health_check_period_s"],
  "applications[].args.llm_configs[].deployment_config.health_check_timeout_s": ["src/controller/controllerSpec.ts", "health_check_timeout_s"],
  "applications[].args.llm_configs[].deployment_config.graceful_shutdown_timeout_s": ["src/controller/controllerSpec.ts", "graceful_shutdown_timeout_s"],
  "applications[].args.llm_configs[].runtime_env": ["src/config/resolveConfig.ts", "raw.runtime_env"],
  "applications[].args.llm_configs[].runtime_env.env_vars": ["src/config/resolveConfig.ts", "raw.runtime_env?.env_vars"],
  "applications[].args.llm_configs[].log_engine_metrics": ["src/controller/controllerSpec.ts", "log_engine_metrics"],
  ...Object.fromEntries(
    ["logging_config", "applications[].logging_config", "applications[].args.llm_configs[].deployment_config.logging_config"].flatMap((at) => [
      [at, ["src/controller/controllerSpec.ts", "logging_config"] as const],
      [`${at}.encoding`, ["src/logLine.ts", "config.encoding"] as const],
      [`${at}.log_level`, ["src/logLine.ts", "config.log_level"] as const],
      [`${at}.logs_dir`, ["src/logLine.ts", "config.logs_dir"] as const],
      [`${at}.enable_access_log`, ["src/logLine.ts", "config.enable_access_log"] as const],
    ]),
  ),
  http_options: ["src/config/resolveConfig.ts", "file.http_options"],
  "http_options.host": ["src/config/resolveConfig.ts", "http.host"],
  "http_options.port": ["src/config/resolveConfig.ts", "http.port"],
  "http_options.request_timeout_s": ["src/controller/proxy.ts", "request_timeout_s"],
  "http_options.keep_alive_timeout_s": ["src/controller/controllerSpec.ts", "keep_alive_timeout_s"],
  "http_options.api_key_env": ["src/config/resolveConfig.ts", "http.api_key_env"],
  "http_options.cors": ["src/config/resolveConfig.ts", "http.cors"],
  "http_options.cors.allowed_origins": ["src/controller/corsPolicy.ts", "allowed_origins"],
  "http_options.cors.allowed_headers": ["src/controller/corsPolicy.ts", "allowed_headers"],
  "http_options.cors.max_age_s": ["src/controller/corsPolicy.ts", "max_age_s"],
};

/** The path of every key the schema does not mark ignored locally (`[]` for list items). */
function keysClaimingAnEffect(): string[] {
  const paths: string[] = [];
  const visit = (node: SchemaNode, path: string): void => {
    const schema = resolveRef(node);
    const branches = (schema.anyOf ?? []).filter((branch) => branch.type !== "null");
    if (branches.length > 0) {
      for (const branch of branches) visit(branch, path);
      return;
    }
    if (schema.items !== undefined) return visit(schema.items, `${path}[]`);
    for (const [key, entry] of Object.entries(schema.properties ?? {})) {
      if (isIgnoredLocally(entry)) continue;
      const child = path === "" ? key : `${path}.${key}`;
      paths.push(child);
      visit(entry, child);
    }
  };
  visit(configSchema(), "");
  return paths;
}

describe("keys that claim an effect", () => {
  it("should be exactly the keys llmserve reads (everything else is marked ignored locally)", () => {
    expect(keysClaimingAnEffect().sort()).toEqual(Object.keys(HONOURED).sort());
  });

  it.each(Object.entries(HONOURED))("should have %s read where the list says", (_key, [file, token]) => {
    expect(readFileSync(join(REPO_ROOT, file), "utf8")).toContain(token);
  });

  it("should never describe an ignored key as used by llmserve", () => {
    const claims: string[] = [];
    const visit = (node: SchemaNode, ignored: boolean, seen: Set<SchemaNode>): void => {
      const schema = resolveRef(node);
      if (seen.has(schema)) return;
      seen.add(schema);
      for (const branch of schema.anyOf ?? []) visit(branch, ignored, seen);
      if (schema.items !== undefined) visit(schema.items, ignored, seen);
      for (const [key, entry] of Object.entries(schema.properties ?? {})) {
        const entryIgnored = ignored || isIgnoredLocally(entry);
        const text = `${entry.description ?? ""} ${resolveRef(entry).description ?? ""}`;
        if (entryIgnored && /llmserve (uses|reads|honours|applies)/.test(text)) claims.push(key);
        visit(entry, entryIgnored, seen);
      }
    };
    visit(configSchema(), false, new Set());
    expect(claims).toEqual([]);
  });
});
