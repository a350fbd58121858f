import type { ConfigFileKind } from "./detectConfigKind.js";
import type { Diagnostic } from "./Diagnostic.js";
import type {
  AcceleratorType,
  DeploymentConfig,
  EngineKwargs,
  LlmConfig,
  LlmServeConfigFile,
} from "./generated/schemaTypes.js";

/** What the config is checked for: running on this machine (a GGUF is needed) or deploying to Ray. */
export type ConfigTarget = "local" | "ray";

export interface LoadConfigOptions {
  /** Defaults to `"local"`. */
  target?: ConfigTarget;
  /**
   * The kinds of file accepted. A standalone LLMConfig file (what `llm_configs` entries name) is checked exactly as
   * inside a Serve file; where a whole deployment is needed it is an error. Defaults to `["serve"]`.
   */
  kinds?: readonly ConfigFileKind[];
  /**
   * How a local GGUF file that is not on this machine counts: `"error"` where the config runs here (the default),
   * `"warning"` where the file may be meant for another machine (`validate` without `--strict`).
   */
  missingLocalModel?: "error" | "warning";
}

export interface ConfigLoadResult {
  /** Every problem found, errors and warnings, in file order. */
  diagnostics: Diagnostic[];
  /** Set only when no diagnostic has severity `error`. A standalone LLMConfig file resolves as one application. */
  config: ResolvedConfig | undefined;
  /** What the file holds; absent when it could not be read, parsed or told apart. */
  kind?: ConfigFileKind;
}

/** An autoscaling_config with every one of Ray's defaults filled in (nulls resolved). */
export interface ResolvedAutoscalingConfig {
  min_replicas: number;
  max_replicas: number;
  /** initial_replicas, else min_replicas. */
  initial_replicas: number;
  target_ongoing_requests: number;
  upscale_delay_s: number;
  downscale_delay_s: number;
  /** downscale_to_zero_delay_s, else downscale_delay_s. */
  downscale_to_zero_delay_s: number;
  /** upscaling_factor, else upscale_smoothing_factor, else smoothing_factor (1). */
  upscaling_factor: number;
  /** downscaling_factor, else downscale_smoothing_factor, else smoothing_factor (1). */
  downscaling_factor: number;
  look_back_period_s: number;
  metrics_interval_s: number;
  aggregation_function: "mean" | "max" | "min";
}

export interface ResolvedHttpOptions {
  host: string;
  port: number;
  request_timeout_s?: number;
  keep_alive_timeout_s: number;
  /** llmserve extension: name of the environment variable that holds the API key. */
  api_key_env?: string;
  /** llmserve extension: cross-origin access for browser clients; absent = same-origin only. */
  cors?: ResolvedCorsOptions;
}

export interface ResolvedCorsOptions {
  /** Origins allowed to call the API from a browser; `*` = any. */
  allowed_origins: readonly string[];
  allowed_headers: readonly string[];
  max_age_s: number;
}

export interface ResolvedLlmConfig {
  /** What clients send as `model`. */
  modelId: string;
  /** Ray's model source: model_source (a bucket's bucket_uri), else model_id. */
  modelSource: string;
  /**
   * What the local engine loads: an absolute local path, `hf:owner/repo/file.gguf`, `hf:owner/repo:QUANT` or an
   * http(s) URL. Always set with target `local`; may be absent with target `ray`.
   */
  ggufSource?: string;
  acceleratorType?: NonNullable<AcceleratorType>;
  /** Serve deployment name: deployment_config.name, else `LLMServer:<model_id with / as -- and . as _>`. */
  deploymentName: string;
  /** engine_kwargs with defaults (tensor_parallel_size 1, reasoning_field "both", ...). */
  engineKwargs: EngineKwargs;
  /** deployment_config with defaults (health checks, max_queued_requests -1, ...). */
  deploymentConfig: DeploymentConfig;
  /** Absent when num_replicas is a number; otherwise Ray's autoscaling with its defaults filled. */
  autoscaling?: ResolvedAutoscalingConfig;
  /** initial_replicas ?? min_replicas ?? num_replicas ?? 1. */
  initialReplicas: number;
  /** Application runtime_env.env_vars merged under the llm_config's runtime_env.env_vars. */
  envVars: Readonly<Record<string, string>>;
  /** The llm_config as written (defaults applied, included file inlined). */
  raw: LlmConfig;
}

export interface ResolvedApplication {
  name: string;
  /** null means "not exposed over HTTP" (as in Ray). */
  routePrefix: string | null;
  llmConfigs: readonly ResolvedLlmConfig[];
}

/** The loaded config: deeply frozen, defaults applied. */
export interface ResolvedConfig {
  /** Absolute path of the config file. */
  sourcePath: string;
  /** sha256 (hex) of the file's bytes; with llm_configs given as paths, of those files' bytes too. */
  sourceHash: string;
  /** The parsed file with defaults applied and llm_configs given as paths inlined. */
  file: LlmServeConfigFile;
  /** The parsed file as written (llm_config paths inlined, no defaults): what Ray should receive. */
  rawFile: LlmServeConfigFile;
  httpOptions: ResolvedHttpOptions;
  applications: readonly ResolvedApplication[];
}
