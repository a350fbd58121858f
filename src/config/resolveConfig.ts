import type { PathSegment } from "./Finding.js";
import type {
  AcceleratorType,
  Application,
  AutoscalingConfig,
  DeploymentConfig,
  EngineKwargs,
  LlmConfig,
  LlmServeConfigFile,
} from "./generated/schemaTypes.js";
import { classifyModelSource, ggufFormOf } from "./classifyModelSource.js";
import type {
  ResolvedApplication,
  ResolvedAutoscalingConfig,
  ResolvedConfig,
  ResolvedHttpOptions,
  ResolvedLlmConfig,
} from "./ResolvedConfig.js";
import { deepFreeze } from "./deepFreeze.js";
import { schemaDefault } from "./schemaDefault.js";

/** `num_replicas: auto` means Ray's AutoscalingConfig.default(). */
const AUTO_NUM_REPLICAS: AutoscalingConfig = { min_replicas: 1, max_replicas: 100, target_ongoing_requests: 2 };

export interface ResolveConfigInput {
  /** The valid config with defaults applied. */
  file: LlmServeConfigFile;
  /** The valid config as written (paths inlined). */
  rawFile: LlmServeConfigFile;
  sourcePath: string;
  sourceHash: string;
  baseDirOf: (segments: readonly PathSegment[]) => string;
}

/** Builds the frozen ResolvedConfig from a config that passed validation. */
export function resolveConfig(input: ResolveConfigInput): ResolvedConfig {
  const { file } = input;
  const http = file.http_options ?? {};
  const httpOptions: ResolvedHttpOptions = {
    host: http.host ?? httpDefault("host"),
    port: http.port ?? httpDefault("port"),
    keep_alive_timeout_s: http.keep_alive_timeout_s ?? httpDefault("keep_alive_timeout_s"),
    ...(typeof http.request_timeout_s === "number" ? { request_timeout_s: http.request_timeout_s } : {}),
    ...(http.api_key_env !== undefined ? { api_key_env: http.api_key_env } : {}),
    ...(http.cors !== undefined
      ? {
          cors: {
            allowed_origins: http.cors.allowed_origins,
            allowed_headers: http.cors.allowed_headers ?? (schemaDefault("HttpOptions", "cors", "allowed_headers") as string[]),
            max_age_s: http.cors.max_age_s ?? (schemaDefault("HttpOptions", "cors", "max_age_s") as number),
          },
        }
      : {}),
  };
  const applications = file.applications.map((app, appIndex) =>
    resolveApplication(app, ["applications", appIndex], input),
  );
  return deepFreeze({
    sourcePath: input.sourcePath,
    sourceHash: input.sourceHash,
    file,
    rawFile: input.rawFile,
    httpOptions,
    applications,
  });
}

function resolveApplication(app: Application, segments: PathSegment[], input: ResolveConfigInput): ResolvedApplication {
  const appEnv = app.runtime_env?.env_vars ?? {};
  const llmConfigs = app.args.llm_configs.map((entry, index) => {
    // Paths were inlined before validation, so every entry is a mapping here.
    const llmConfig = entry as LlmConfig;
    const llmSegments = [...segments, "args", "llm_configs", index];
    return resolveLlmConfig(llmConfig, appEnv, input.baseDirOf([...llmSegments, "model_loading_config"]));
  });
  return {
    name: app.name ?? (schemaDefault("Application", "name") as string),
    routePrefix: app.route_prefix === undefined ? (schemaDefault("Application", "route_prefix") as string) : app.route_prefix,
    llmConfigs,
  };
}

function resolveLlmConfig(
  raw: LlmConfig,
  appEnv: Record<string, string | undefined>,
  baseDir: string,
): ResolvedLlmConfig {
  const loading = raw.model_loading_config;
  const modelSource =
    typeof loading.model_source === "string"
      ? loading.model_source
      : (loading.model_source?.bucket_uri ?? loading.model_id);
  const ggufText = loading.gguf_source ?? modelSource;
  const ggufSource = ggufFormOf(classifyModelSource(ggufText, baseDir));
  const deploymentConfig: DeploymentConfig = raw.deployment_config ?? {};
  const autoscaling = resolveAutoscaling(deploymentConfig);
  const numReplicas = typeof deploymentConfig.num_replicas === "number" ? deploymentConfig.num_replicas : undefined;
  const initialReplicas = autoscaling?.initial_replicas ?? numReplicas ?? 1;
  const envVars = definedEntries({ ...appEnv, ...(raw.runtime_env?.env_vars ?? {}) });
  const engineKwargs: EngineKwargs = raw.engine_kwargs ?? {};
  return {
    modelId: loading.model_id,
    modelSource,
    ...(ggufSource !== undefined ? { ggufSource } : {}),
    ...(raw.accelerator_type != null ? { acceleratorType: normalizeAccelerator(raw.accelerator_type) } : {}),
    deploymentName: deploymentConfig.name ?? `LLMServer:${loading.model_id.replace(/\//g, "--").replace(/\./g, "_")}`,
    engineKwargs,
    deploymentConfig,
    ...(autoscaling !== undefined ? { autoscaling } : {}),
    initialReplicas,
    envVars,
    raw,
  };
}

/**
 * Ray's autoscaling with every default resolved (the schema's, also for keys left out or null, and for a deployment
 * with no autoscaling_config at all); undefined when num_replicas fixes the count.
 */
export function resolveAutoscaling(deployment: DeploymentConfig): ResolvedAutoscalingConfig | undefined {
  if (typeof deployment.num_replicas === "number") return undefined;
  const given = deployment.num_replicas === "auto" ? AUTO_NUM_REPLICAS : (deployment.autoscaling_config ?? {});
  const fallback = <K extends keyof AutoscalingConfig>(key: K): NonNullable<AutoscalingConfig[K]> =>
    schemaDefault("AutoscalingConfig", key) as NonNullable<AutoscalingConfig[K]>;
  const min = given.min_replicas ?? fallback("min_replicas");
  const smoothing = given.smoothing_factor ?? fallback("smoothing_factor");
  const downscaleDelay = given.downscale_delay_s ?? fallback("downscale_delay_s");
  return {
    min_replicas: min,
    max_replicas: given.max_replicas ?? fallback("max_replicas"),
    initial_replicas: given.initial_replicas ?? min,
    target_ongoing_requests: given.target_ongoing_requests ?? fallback("target_ongoing_requests"),
    upscale_delay_s: given.upscale_delay_s ?? fallback("upscale_delay_s"),
    downscale_delay_s: downscaleDelay,
    downscale_to_zero_delay_s: given.downscale_to_zero_delay_s ?? downscaleDelay,
    upscaling_factor: given.upscaling_factor ?? given.upscale_smoothing_factor ?? smoothing,
    downscaling_factor: given.downscaling_factor ?? given.downscale_smoothing_factor ?? smoothing,
    look_back_period_s: given.look_back_period_s ?? fallback("look_back_period_s"),
    metrics_interval_s: given.metrics_interval_s ?? fallback("metrics_interval_s"),
    aggregation_function: given.aggregation_function ?? fallback("aggregation_function"),
  };
}

function httpDefault<K extends "host" | "port" | "keep_alive_timeout_s">(key: K): NonNullable<ResolvedHttpOptions[K]> {
  return schemaDefault("HttpOptions", key) as NonNullable<ResolvedHttpOptions[K]>;
}

/** Ray normalises the input alias A10 to A10G. */
function normalizeAccelerator(type: NonNullable<AcceleratorType>): NonNullable<AcceleratorType> {
  return type === "A10" ? "A10G" : type;
}

function definedEntries(record: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
  return out;
}
