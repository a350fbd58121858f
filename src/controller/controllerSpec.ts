import { createHash } from "node:crypto";
import { replicaSettingsFromConfig } from "../replica/replicaSettingsFromConfig.js";
import {
  DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_HEALTH_CHECK_PERIOD_MS,
  DEFAULT_HEALTH_CHECK_TIMEOUT_MS,
} from "./timeouts.js";

/**
 * The part of config's `ResolvedConfig` (DESIGN.md, Config) the controller reads. Kept structural so the controller
 * does not depend on the rest of the config module's types.
 */
export interface ResolvedConfigView {
  readonly sourcePath: string;
  readonly sourceHash: string;
  readonly httpOptions: {
    readonly host: string;
    readonly port: number;
    readonly request_timeout_s?: number | undefined;
    readonly keep_alive_timeout_s?: number | undefined;
    readonly api_key_env?: string | undefined;
  };
  readonly applications: readonly {
    readonly name: string;
    readonly routePrefix: string | null | undefined;
    readonly llmConfigs: readonly {
      readonly modelId: string;
      readonly modelSource: string;
      readonly deploymentName?: string | undefined;
      readonly ggufSource?: string | undefined;
      readonly acceleratorType?: string | undefined;
      readonly deploymentConfig?: object | undefined;
      readonly engineKwargs?: object | undefined;
      readonly autoscaling?: unknown;
      readonly initialReplicas: number;
      readonly envVars?: Readonly<Record<string, string>> | undefined;
      readonly raw?: unknown;
    }[];
  }[];
}

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
  autoscaling: Readonly<Record<string, unknown>> | undefined;
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
  applications: ApplicationSpec[];
}

/** Builds the controller's view of a validated config. `env`: the controller's environment (per-host knobs). */
export function controllerSpecFromConfig(config: ResolvedConfigView, env: NodeJS.ProcessEnv = process.env): ControllerSpec {
  return {
    configPath: config.sourcePath,
    configHash: config.sourceHash,
    host: config.httpOptions.host,
    port: config.httpOptions.port,
    requestTimeoutMs:
      config.httpOptions.request_timeout_s !== undefined ? config.httpOptions.request_timeout_s * 1000 : undefined,
    keepAliveTimeoutMs: (config.httpOptions.keep_alive_timeout_s ?? 5) * 1000,
    apiKeyEnv: config.httpOptions.api_key_env,
    applications: config.applications.map((app) => ({
      name: app.name,
      routePrefix: app.routePrefix ?? null,
      deployments: app.llmConfigs.map((llm) => {
        const deployment = asRecord(llm.deploymentConfig);
        const envVars = llm.envVars ?? {};
        return {
          appName: app.name,
          name:
            llm.deploymentName ??
            (typeof deployment["name"] === "string" ? deployment["name"] : rayDeploymentName(llm.modelId)),
          modelId: llm.modelId,
          version: deploymentVersion(app.name, llm.raw, envVars, llm.ggufSource),
          configPath: config.sourcePath,
          initialReplicas: llm.initialReplicas,
          autoscaling: llm.autoscaling !== undefined ? asRecord(llm.autoscaling) : undefined,
          envVars,
          acceleratorType: llm.acceleratorType,
          healthCheckPeriodMs: seconds(deployment["health_check_period_s"], DEFAULT_HEALTH_CHECK_PERIOD_MS),
          healthCheckTimeoutMs: seconds(deployment["health_check_timeout_s"], DEFAULT_HEALTH_CHECK_TIMEOUT_MS),
          gracefulShutdownTimeoutMs: seconds(
            deployment["graceful_shutdown_timeout_s"],
            DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT_MS,
          ),
          // Ray Serve LLM's default for LLM deployments is 1e9: effectively no cap.
          maxOngoingRequests: numberOr(deployment["max_ongoing_requests"], 1e9),
          maxQueuedRequests: numberOr(deployment["max_queued_requests"], -1),
          resources: deploymentResources(config, app, llm, env),
        };
      }),
    })),
  };
}

function deploymentResources(
  config: ResolvedConfigView,
  app: ResolvedConfigView["applications"][number],
  llm: ResolvedConfigView["applications"][number]["llmConfigs"][number],
  env: NodeJS.ProcessEnv,
): DeploymentResources {
  const engine = asRecord(llm.engineKwargs);
  // The replica's own settings, so the estimate uses the context and sequences the replica will really create.
  const settings = replicaSettingsFromConfig(config, app, llm, env);
  const utilization = engine["gpu_memory_utilization"];
  return {
    gpusNeeded: wholeOr(engine["tensor_parallel_size"], 1) * wholeOr(engine["pipeline_parallel_size"], 1),
    gpuMemoryUtilization: typeof utilization === "number" ? utilization : undefined,
    ggufSource: llm.ggufSource,
    contextSize: settings.contextSize,
    sequences: settings.sequences,
  };
}

/** `LLMServer:<model_id with "/" -> "--" and "." -> "_">`, as Ray Serve LLM names it. */
export function rayDeploymentName(modelId: string): string {
  return `LLMServer:${modelId.replaceAll("/", "--").replaceAll(".", "_")}`;
}

/** Hash of what a running replica was started from, minus the scaling settings (those change in place). */
function deploymentVersion(app: string, raw: unknown, envVars: unknown, ggufSource: string | undefined): string {
  const rawRecord = asRecord(raw);
  const deployment = { ...asRecord(rawRecord["deployment_config"]) };
  for (const key of ["num_replicas", "autoscaling_config", "max_ongoing_requests", "max_queued_requests"]) {
    delete deployment[key];
  }
  const stable = { app, raw: { ...rawRecord, deployment_config: deployment }, envVars, ggufSource };
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

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function seconds(value: unknown, fallbackMs: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value * 1000 : fallbackMs;
}

function wholeOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 ? value : fallback;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}
