import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { llmserveHome } from "../llmserveHome.js";
import {
  REPLICA_SPEC_VERSION,
  type ReasoningFieldChoice,
  type ReplicaGpuChoice,
  type ReplicaSpec,
} from "../protocol/ReplicaSpec.js";
import { readReasoningSettings } from "./readReasoningSettings.js";
import type { ResolvedApplication, ResolvedConfig, ResolvedLlmConfig } from "./ResolvedConfig.js";

const DEFAULT_SEQUENCES = 8;
const MAX_SEQUENCES = 256;
const DEFAULT_MAX_QUEUED = 256;
const DEFAULT_HF_ENDPOINT = "https://huggingface.co/";

/**
 * The one resolver from an llm_config to what a replica runs: the controller calls it once per deployment version,
 * `llmserve replica --config` once by hand.
 *
 * llmserve-only knobs come from environment variables (the llm_config's `runtime_env.env_vars` first, then `env`)
 * so the same file deploys unchanged to Ray: `LLMSERVE_THREADS`, `LLMSERVE_SEQUENCES`, `LLMSERVE_REASONING_FIELD`
 * (overrides `engine_kwargs.reasoning_field`), `LLMSERVE_GPU` (auto | cuda | vulkan | off), `HF_ENDPOINT`.
 */
export function replicaSpecFor(
  config: Pick<ResolvedConfig, "sourcePath">,
  app: Pick<ResolvedApplication, "name">,
  llmConfig: ResolvedLlmConfig,
  env: NodeJS.ProcessEnv = process.env,
): ReplicaSpec {
  const lookup = (name: string): string | undefined => nonEmpty(llmConfig.envVars[name]) ?? nonEmpty(env[name]);
  const engine = llmConfig.engineKwargs;
  const deployment = llmConfig.deploymentConfig;
  const gpu = gpuChoice(lookup("LLMSERVE_GPU"), llmConfig.acceleratorType);
  const sequences = Math.min(
    MAX_SEQUENCES,
    positiveInt(lookup("LLMSERVE_SEQUENCES")) ?? positiveInt(engine.max_num_seqs) ??
      smallOngoingLimit(deployment.max_ongoing_requests) ?? DEFAULT_SEQUENCES,
  );
  const maxQueued = deployment.max_queued_requests;
  const chatTemplate = chatTemplateText(engine.chat_template, config.sourcePath);
  return {
    specVersion: REPLICA_SPEC_VERSION,
    appName: app.name,
    modelId: llmConfig.modelId,
    modelSource: llmConfig.ggufSource ?? llmConfig.modelSource,
    modelsDir: join(llmserveHome(env), "models"),
    hfEndpoint: withSlash(lookup("HF_ENDPOINT") ?? DEFAULT_HF_ENDPOINT),
    gpu,
    allowCpuFallback: gpu === false || llmConfig.acceleratorType === undefined,
    threads:
      positiveInt(lookup("LLMSERVE_THREADS")) ??
      Math.max(1, Math.floor(availableParallelism() / Math.max(1, llmConfig.initialReplicas))),
    sequences,
    ...(engine.max_model_len !== undefined ? { contextSize: engine.max_model_len } : {}),
    ...(engine.max_num_batched_tokens !== undefined ? { batchSize: engine.max_num_batched_tokens } : {}),
    ...(chatTemplate !== undefined ? { chatTemplate } : {}),
    maxQueuedRequests: maxQueued !== undefined && maxQueued >= 0 ? maxQueued : DEFAULT_MAX_QUEUED,
    ...reasoningSettings(engine),
    reasoningField: reasoningField(lookup("LLMSERVE_REASONING_FIELD") ?? engine.reasoning_field),
    ...(engine.thinking_token_budget !== undefined ? { thinkingTokenBudget: engine.thinking_token_budget } : {}),
    defaultChatTemplateKwargs: engine.default_chat_template_kwargs ?? {},
    enableAutoToolChoice: engine.enable_auto_tool_choice === true,
    ...(engine.tool_call_parser !== undefined ? { toolCallParser: engine.tool_call_parser } : {}),
    embeddings: engine.task === "embed" || engine.task === "embedding" || engine.runner === "pooling" || engine.convert === "embed",
    ...(engine.seed !== undefined ? { defaultSeed: engine.seed } : {}),
    gracefulShutdownTimeoutS: deployment.graceful_shutdown_timeout_s ?? schemaDefaultMissing("graceful_shutdown_timeout_s"),
  };
}

/** The schema gives these settings a default, which loading fills in: a gap is a bug, not a user error. */
export function schemaDefaultMissing(key: string): never {
  throw new Error(`internal error: ${key} has no value although the schema gives it a default`);
}

/** Ray's LLM default for max_ongoing_requests is 1e9 (meaning "no cap"); only a real cap sizes the context. */
function smallOngoingLimit(value: number | undefined): number | undefined {
  const n = positiveInt(value);
  return n !== undefined && n <= MAX_SEQUENCES ? n : undefined;
}

function gpuChoice(fromEnv: string | undefined, acceleratorType: string | undefined): ReplicaGpuChoice {
  if (fromEnv !== undefined) {
    const value = fromEnv.toLowerCase();
    if (value === "off" || value === "false" || value === "cpu") return false;
    if (value === "cuda" || value === "vulkan" || value === "auto") return value;
  }
  return acceleratorType !== undefined && acceleratorType.toUpperCase() === "CPU" ? false : "auto";
}

/** `chat_template` is the template text, or the path of a file holding it (relative to the config file). */
function chatTemplateText(value: string | undefined, configPath: string): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (!value.includes("{") && !value.includes("\n")) {
    const path = resolve(dirname(configPath), value);
    if (existsSync(path)) return readFileSync(path, "utf8");
  }
  return value;
}

/** The parser and tags as `readReasoningSettings` reads them, with absent values left out of the spec. */
function reasoningSettings(engine: Readonly<Record<string, unknown>>): Pick<ReplicaSpec, "reasoningParser" | "reasoningTags"> {
  const { reasoningParser, reasoningTags } = readReasoningSettings(engine);
  return { ...(reasoningParser !== undefined ? { reasoningParser } : {}), ...(reasoningTags !== undefined ? { reasoningTags } : {}) };
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

function positiveInt(value: unknown): number | undefined {
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  return typeof n === "number" && Number.isInteger(n) && n > 0 ? n : undefined;
}
