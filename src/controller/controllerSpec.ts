import { createHash } from "node:crypto";
import { replicaSpecFor, schemaDefaultMissing } from "../config/replicaSpecFor.js";
import { schemaDefault } from "../config/schemaDefault.js";
import type {
  ResolvedApplication,
  ResolvedAutoscalingConfig,
  ResolvedConfig,
  ResolvedCorsOptions,
  ResolvedLlmConfig,
} from "../config/ResolvedConfig.js";
import type { ReplicaSpec } from "../protocol/ReplicaSpec.js";
import { resolveLogSettings, type LogSettings } from "../logLine.js";

/** Everything the controller needs to run one llm_config. */
export interface DeploymentSpec {
  appName: string;
  /** Ray's deployment name, `LLMServer:<model id>` unless deployment_config.name is set. */
  name: string;
  modelId: string;
  /** Replicas need replacing when this changes; scaling settings are not part of it. */
  version: string;
  configPath: string;
  initialReplicas: number;
  /** autoscaling_config with Ray's defaults (absent with num_replicas). */
  autoscaling: ResolvedAutoscalingConfig | undefined;
  envVars: Readonly<Record<string, string>>;
  acceleratorType: string | undefined;
  healthCheckPeriodMs: number;
  healthCheckTimeoutMs: number;
  gracefulShutdownTimeoutMs: number;
  maxOngoingRequests: number;
  /** -1 = unbounded. */
  maxQueuedRequests: number;
  /** What GPU placement needs (see src/controller/gpuPlacement.ts). */
  resources: DeploymentResources;
  /** What every replica of this version starts from (resolved once, when the config was loaded). */
  replica: ReplicaSpec;
  /** logging_config: top level < application < deployment_config. */
  logging: LogSettings;
  /** log_engine_metrics (default true): false drops this model's vllm:* series. */
  engineMetrics: boolean;
}

/** A replica's demands on the machine, from engine_kwargs and the replica's own settings. */
export interface DeploymentResources {
  /** tensor_parallel_size x pipeline_parallel_size (each default 1). */
  gpusNeeded: number;
  /** engine_kwargs.gpu_memory_utilization: below 1, replicas may share GPUs by memory fraction. */
  gpuMemoryUtilization: number | undefined;
  /** The GGUF the replica loads (local path, hf: URI or URL); the memory estimate reads it when it is on disk. */
  ggufSource: string | undefined;
  /** The context the replica creates per sequence: max_model_len, else undefined (min(trained, 4096)). */
  contextSize: number | undefined;
  /** Parallel sequences of the replica's context (max_num_seqs, LLMSERVE_SEQUENCES, ...). */
  sequences: number;
}

export interface ApplicationSpec {
  name: string;
  routePrefix: string | null;
  deployments: DeploymentSpec[];
}

export interface ControllerSpec {
  configPath: string;
  configHash: string;
  host: string;
  port: number;
  /** http_options.request_timeout_s in ms; undefined = no limit (Ray's default). */
  requestTimeoutMs: number | undefined;
  keepAliveTimeoutMs: number;
  /** http_options.api_key_env: the environment variable whose value clients must send as a Bearer token. */
  apiKeyEnv: string | undefined;
  /** The top-level logging_config: the controller's own log and requests no deployment took. */
  logging: LogSettings;
  /** http_options.cors: which other origins browsers may call the API from; undefined = same-origin only. */
  cors: ResolvedCorsOptions | undefined;
  applications: ApplicationSpec[];
}

/** Builds the controller's view of a validated config. `env`: the controller's environment (per-host knobs). */
export function controllerSpecFromConfig(config: ResolvedConfig, env: NodeJS.ProcessEnv = process.env): ControllerSpec {
  const http = config.httpOptions;
  return {
    configPath: config.sourcePath,
    configHash: config.sourceHash,
    host: http.host,
    port: http.port,
    requestTimeoutMs: http.request_timeout_s !== undefined ? http.request_timeout_s * 1000 : undefined,
    keepAliveTimeoutMs: http.keep_alive_timeout_s * 1000,
    apiKeyEnv: http.api_key_env,
    logging: resolveLogSettings(config.rawFile.logging_config),
    cors: http.cors,
    applications: config.applications.map((app) => ({
      name: app.name,
      routePrefix: app.routePrefix,
      deployments: app.llmConfigs.map((llm) => deploymentSpec(config, app, llm, env)),
    })),
  };
}

function deploymentSpec(config: ResolvedConfig, app: ResolvedApplication, llm: ResolvedLlmConfig,
  env: NodeJS.ProcessEnv): DeploymentSpec {
  const deployment = llm.deploymentConfig;
  const replica = replicaSpecFor(config, app, llm, env);
  const seconds = (key: "health_check_period_s" | "health_check_timeout_s" | "graceful_shutdown_timeout_s"): number =>
    (deployment[key] ?? schemaDefaultMissing(key)) * 1000;
  return {
    appName: app.name,
    name: llm.deploymentName,
    modelId: llm.modelId,
    version: deploymentVersion(app.name, llm, replica),
    configPath: config.sourcePath,
    initialReplicas: llm.initialReplicas,
    autoscaling: llm.autoscaling,
    envVars: llm.envVars,
    acceleratorType: llm.acceleratorType,
    healthCheckPeriodMs: seconds("health_check_period_s"),
    healthCheckTimeoutMs: seconds("health_check_timeout_s"),
    gracefulShutdownTimeoutMs: seconds("graceful_shutdown_timeout_s"),
    // Ray Serve LLM's default for LLM deployments is 1e9: effectively no cap.
    maxOngoingRequests: deployment.max_ongoing_requests ?? 1e9,
    maxQueuedRequests: deployment.max_queued_requests ?? schemaDefaultMissing("max_queued_requests"),
    resources: {
      gpusNeeded: (llm.engineKwargs.tensor_parallel_size ?? 1) * (llm.engineKwargs.pipeline_parallel_size ?? 1),
      gpuMemoryUtilization: llm.engineKwargs.gpu_memory_utilization,
      ggufSource: llm.ggufSource,
      // The replica's own settings, so the estimate uses the context and sequences the replica will really create.
      contextSize: replica.contextSize,
      sequences: replica.sequences,
    },
    replica,
    logging: resolveLogSettings(
      config.rawFile.logging_config,
      config.rawFile.applications?.find((raw) => (raw.name ?? schemaDefault("Application", "name")) === app.name)?.logging_config,
      llm.raw.deployment_config?.logging_config,
    ),
    engineMetrics: llm.raw.log_engine_metrics !== false && llm.raw.log_engine_metrics !== null,
  };
}

/**
 * Hash of what a running replica was started from, minus the scaling settings (those change in place): the
 * llm_config as written, its env_vars, the GGUF it loads and the chat template text (a template file edited
 * between two `run`s is a new version).
 */
function deploymentVersion(app: string, llm: ResolvedLlmConfig, replica: ReplicaSpec): string {
  const deployment: Record<string, unknown> = { ...llm.raw.deployment_config };
  for (const key of ["num_replicas", "autoscaling_config", "max_ongoing_requests", "max_queued_requests"]) {
    delete deployment[key];
  }
  const stable = {
    app,
    raw: { ...llm.raw, deployment_config: deployment },
    envVars: llm.envVars,
    ggufSource: llm.ggufSource,
    chatTemplate: replica.chatTemplate,
  };
  return createHash("sha256").update(stableStringify(stable)).digest("hex").slice(0, 16);
}
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
