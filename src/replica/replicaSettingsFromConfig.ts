import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { llmserveHome } from "../llmserveHome.js";
import type { ReasoningFieldChoice, ReplicaGpuChoice, ReplicaSettings } from "./ReplicaSettings.js";

/** The parts of a `ResolvedConfig` (see DESIGN.md) that a replica reads (structural, so tests can build one). */
export interface ReplicaConfigSource {
  readonly sourcePath: string;
}
/** The parts of a `ResolvedApplication` that a replica reads. */
export interface ReplicaAppSource {
  readonly name: string;
}
/** The parts of a `ResolvedLlmConfig` that a replica reads. */
export interface ReplicaLlmConfigSource {
  readonly modelId: string;
  readonly modelSource: string;
  readonly ggufSource?: string | undefined;
  readonly acceleratorType?: string | undefined;
  readonly engineKwargs?: object | undefined;
  readonly deploymentConfig?: object | undefined;
  readonly initialReplicas?: number | undefined;
  readonly envVars?: Readonly<Record<string, string>> | undefined;
}

const DEFAULT_SEQUENCES = 8;
const MAX_SEQUENCES = 256;
const DEFAULT_MAX_QUEUED = 256;
const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const DEFAULT_GRACEFUL_SHUTDOWN_S = 20;

/**
 * Builds the replica's settings from one resolved llm_config.
 *
 * llmserve-only knobs come from environment variables (the llm_config's `runtime_env.env_vars` first, then the
 * process environment) so the same file deploys unchanged to Ray: `LLMSERVE_THREADS`, `LLMSERVE_SEQUENCES`,
 * `LLMSERVE_REASONING_FIELD` (overrides `engine_kwargs.reasoning_field`), `LLMSERVE_GPU` (auto | cuda | vulkan | off).
 */
export function replicaSettingsFromConfig(
  config: ReplicaConfigSource,
  app: ReplicaAppSource,
  llmConfig: ReplicaLlmConfigSource,
  env: NodeJS.ProcessEnv = process.env,
): ReplicaSettings {
  const envVars = llmConfig.envVars ?? {};
  const lookup = (name: string): string | undefined => nonEmpty(envVars[name]) ?? nonEmpty(env[name]);
  const engineKwargs = (llmConfig.engineKwargs ?? {}) as Readonly<Record<string, unknown>>;
  const deployment = (llmConfig.deploymentConfig ?? {}) as Readonly<Record<string, unknown>>;
  const initialReplicas = Math.max(1, llmConfig.initialReplicas ?? 1);

  const sequences = clampInt(
    positiveInt(lookup("LLMSERVE_SEQUENCES")) ??
      positiveInt(engineKwargs["max_num_seqs"]) ??
      smallOngoingLimit(deployment["max_ongoing_requests"]) ??
      DEFAULT_SEQUENCES,
    1,
    MAX_SEQUENCES,
  );
  const maxQueued = integer(deployment["max_queued_requests"]);
  const gpu = gpuChoice(lookup("LLMSERVE_GPU"), llmConfig.acceleratorType, env);

  return {
    appName: app.name,
    modelId: llmConfig.modelId,
    modelSource: llmConfig.ggufSource ?? llmConfig.modelSource,
    modelsDir: join(llmserveHome(env), "models"),
    hfToken: lookup("HF_TOKEN") ?? lookup("HUGGING_FACE_HUB_TOKEN"),
    hfEndpoint: withSlash(lookup("HF_ENDPOINT") ?? "https://huggingface.co/"),
    gpu,
    allowCpuFallback: gpu === false || llmConfig.acceleratorType === undefined,
    threads:
      positiveInt(lookup("LLMSERVE_THREADS")) ?? Math.max(1, Math.floor(availableParallelism() / initialReplicas)),
    sequences,
    contextSize: positiveInt(engineKwargs["max_model_len"]),
    batchSize: positiveInt(engineKwargs["max_num_batched_tokens"]),
    chatTemplate: chatTemplate(engineKwargs["chat_template"], config.sourcePath),
    maxQueuedRequests: maxQueued !== undefined && maxQueued >= 0 ? maxQueued : DEFAULT_MAX_QUEUED,
    reasoningParser: typeof engineKwargs["reasoning_parser"] === "string" ? engineKwargs["reasoning_parser"] : undefined,
    reasoningField: reasoningField(lookup("LLMSERVE_REASONING_FIELD") ?? engineKwargs["reasoning_field"]),
    thinkingTokenBudget: integer(engineKwargs["thinking_token_budget"]),
    defaultChatTemplateKwargs: plainObject(engineKwargs["default_chat_template_kwargs"]) ?? {},
    defaultSeed: integer(engineKwargs["seed"]),
    enableAutoToolChoice: engineKwargs["enable_auto_tool_choice"] === true,
    toolCallParser: typeof engineKwargs["tool_call_parser"] === "string" ? engineKwargs["tool_call_parser"] : undefined,
    embeddings:
      engineKwargs["task"] === "embed" || engineKwargs["task"] === "embedding" ||
      engineKwargs["runner"] === "pooling" || engineKwargs["convert"] === "embed",
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    gracefulShutdownTimeoutS:
      typeof deployment["graceful_shutdown_timeout_s"] === "number"
        ? deployment["graceful_shutdown_timeout_s"]
        : DEFAULT_GRACEFUL_SHUTDOWN_S,
  };
}

/** Ray's LLM default for max_ongoing_requests is 1e9 (meaning "no cap"); only a real cap sizes the context. */
function smallOngoingLimit(value: unknown): number | undefined {
  const n = positiveInt(value);
  return n !== undefined && n <= MAX_SEQUENCES ? n : undefined;
}

function gpuChoice(fromEnv: string | undefined, acceleratorType: string | undefined, env: NodeJS.ProcessEnv): ReplicaGpuChoice {
  if (fromEnv !== undefined) {
    const value = fromEnv.toLowerCase();
    if (value === "off" || value === "false" || value === "cpu") return false;
    if (value === "cuda" || value === "vulkan" || value === "auto") return value;
  }
  if (acceleratorType !== undefined && acceleratorType.toUpperCase() === "CPU") return false;
  const visible = env["CUDA_VISIBLE_DEVICES"];
  if (visible !== undefined && (visible.trim() === "" || visible.trim() === "-1") && acceleratorType === undefined) {
    return false;
  }
  return "auto";
}

/** `chat_template` is the template text, or the path of a file holding it (relative to the config file). */
function chatTemplate(value: unknown, configPath: string): string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  if (!value.includes("{") && !value.includes("\n")) {
    const path = resolve(dirname(configPath), value);
    if (existsSync(path)) return readFileSync(path, "utf8");
  }
  return value;
}

function reasoningField(value: unknown): ReasoningFieldChoice {
  return value === "reasoning" || value === "reasoning_content" ? value : "both";
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value !== "" ? value : undefined;
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

function integer(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

function positiveInt(value: unknown): number | undefined {
  const n = integer(value);
  return n !== undefined && n > 0 ? n : undefined;
}

function clampInt(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function plainObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
