import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileSafeName } from "./fileSafeName.js";
import { parseJsonObject } from "./parseJsonObject.js";

/** Which response fields carry the reasoning text split off by the reasoning parser. */
export type ReasoningFieldChoice = "both" | "reasoning" | "reasoning_content";

/** GPU backend request passed to node-llama-cpp's `getLlama`. */
export type ReplicaGpuChoice = "auto" | "cuda" | "vulkan" | false;

export const REPLICA_SPEC_VERSION = 1;

/**
 * Everything a replica is started from: one llm_config resolved once (defaults applied, the chat template file
 * read, per-host knobs from env_vars and the environment applied) into plain data. The controller writes one per
 * deployment version and every replica of that version, restarts included, starts from it: a replica never reads
 * the user's YAML. Secrets are not in it: the Hugging Face token comes from the replica's environment.
 */
export interface ReplicaSpec {
  readonly specVersion: typeof REPLICA_SPEC_VERSION;
  /** Application name (for logs). */
  readonly appName: string;
  /** The `model` name clients send; `/v1/models` lists it. */
  readonly modelId: string;
  /** What to load: an absolute local path, `hf:owner/repo/file.gguf`, `hf:owner/repo:QUANT` or an http(s) URL. */
  readonly modelSource: string;
  /** Download cache directory (`$LLMSERVE_HOME/models`). */
  readonly modelsDir: string;
  /** Hugging Face endpoint, always ending in "/". Defaults to `https://huggingface.co/`. */
  readonly hfEndpoint: string;
  /**
   * GPU backend to ask node-llama-cpp for, as the config and LLMSERVE_GPU chose it. A replica whose environment
   * hides every CUDA device (placement put it on the CPU) and that may fall back to the CPU runs without a GPU.
   */
  readonly gpu: ReplicaGpuChoice;
  /** Whether the replica may run on the CPU when no GPU backend works (accelerator_type unset or CPU). */
  readonly allowCpuFallback: boolean;
  /** CPU threads used for evaluation (set explicitly: node-llama-cpp's default oversubscribes small hosts). */
  readonly threads: number;
  /** Number of parallel sequences in the one context: requests generating at the same time. */
  readonly sequences: number;
  /** Context size per sequence (`max_model_len`); absent = min(model's trained context, 4096). */
  readonly contextSize?: number | undefined;
  /** Tokens per decode batch (`max_num_batched_tokens`); absent = node-llama-cpp's default. */
  readonly batchSize?: number | undefined;
  /** `engine_kwargs.chat_template` (the text, already read when it named a file): replaces the GGUF's template. */
  readonly chatTemplate?: string | undefined;
  /** Requests allowed to wait for a free sequence; one more is answered 503. */
  readonly maxQueuedRequests: number;
  /**
   * vLLM reasoning parser name (`engine_kwargs.reasoning_parser`, or `reasoning_config.reasoning_parser`, or
   * deepseek_r1 when only `reasoning_config`'s strings are set); absent = raw text content.
   */
  readonly reasoningParser?: string | undefined;
  /** `engine_kwargs.reasoning_config`'s start/end strings: the tags a think-tag parser splits on. */
  readonly reasoningTags?: { readonly start: string; readonly end: string } | undefined;
  /** Which message/delta fields carry the reasoning. */
  readonly reasoningField: ReasoningFieldChoice;
  /** `engine_kwargs.thinking_token_budget`: reasoning tokens allowed when a request sets none; absent = no budget. */
  readonly thinkingTokenBudget?: number | undefined;
  /** `default_chat_template_kwargs`: merged under each request's `chat_template_kwargs`. */
  readonly defaultChatTemplateKwargs: Readonly<Record<string, unknown>>;
  /** `engine_kwargs.enable_auto_tool_choice`: `tool_choice: "auto"` is allowed (vLLM's --enable-auto-tool-choice). */
  readonly enableAutoToolChoice: boolean;
  /** `engine_kwargs.tool_call_parser` (vLLM's name, e.g. hermes). */
  readonly toolCallParser?: string | undefined;
  /** Serve `/v1/embeddings` (`engine_kwargs.task: embed`, `runner: pooling` or `convert: embed`, as vLLM). */
  readonly embeddings: boolean;
  /** `engine_kwargs.seed`: the seed used when a request gives none (absent = random per request). */
  readonly defaultSeed?: number | undefined;
  /** Seconds in-flight requests may take to finish after SIGTERM. */
  readonly gracefulShutdownTimeoutS: number;
}

/** `$LLMSERVE_HOME/specs/<app>/<deployment>/<version>.json` (names made file-safe). */
export function replicaSpecPath(home: string, appName: string, deploymentName: string, version: string): string {
  return join(home, "specs", fileSafeName(appName), fileSafeName(deploymentName), `${fileSafeName(version)}.json`);
}

/** Removes every spec file: the controller does at start-up, under the state lock (they belong to its replicas). */
export function removeReplicaSpecs(home: string): void {
  rmSync(join(home, "specs"), { recursive: true, force: true });
}

/** Writes the spec atomically, mode 0600 (it may hold env_vars' values, such as an endpoint or knobs). */
export function writeReplicaSpecFile(path: string, spec: ReplicaSpec): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(spec, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

/** Reads a spec file; throws an Error naming the file and the field at fault. */
export function readReplicaSpecFile(path: string): ReplicaSpec {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read the replica spec ${path}: ${(error as Error).message}`);
  }
  const problem = (why: string): Error => new Error(`${path} is not a replica spec: ${why}`);
  const record = parseJsonObject(text);
  if (record === undefined) throw problem("not a JSON object");
  if (record["specVersion"] !== REPLICA_SPEC_VERSION) {
    throw problem(`specVersion ${JSON.stringify(record["specVersion"])} (this llmserve reads ${REPLICA_SPEC_VERSION})`);
  }
  for (const [key, check] of Object.entries(FIELD_CHECKS)) {
    const value = record[key];
    const optional = OPTIONAL_FIELDS.has(key);
    if (value === undefined && optional) continue;
    if (!check(value)) throw problem(`${key} is ${value === undefined ? "missing" : `invalid (${JSON.stringify(value)})`}`);
  }
  return record as unknown as ReplicaSpec;
}

const isString = (value: unknown): boolean => typeof value === "string";
const isBoolean = (value: unknown): boolean => typeof value === "boolean";
const isPositiveInt = (value: unknown): boolean => Number.isInteger(value) && (value as number) > 0;
const isCount = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0;

const FIELD_CHECKS: Readonly<Record<Exclude<keyof ReplicaSpec, "specVersion">, (value: unknown) => boolean>> = {
  appName: isString,
  modelId: isString,
  modelSource: isString,
  modelsDir: isString,
  hfEndpoint: isString,
  gpu: (value) => value === false || value === "auto" || value === "cuda" || value === "vulkan",
  allowCpuFallback: isBoolean,
  threads: isPositiveInt,
  sequences: isPositiveInt,
  contextSize: isPositiveInt,
  batchSize: isPositiveInt,
  chatTemplate: isString,
  maxQueuedRequests: isCount,
  reasoningParser: isString,
  reasoningTags: (value) =>
    typeof value === "object" && value !== null && isString((value as Record<string, unknown>)["start"]) &&
    isString((value as Record<string, unknown>)["end"]),
  reasoningField: (value) => value === "both" || value === "reasoning" || value === "reasoning_content",
  thinkingTokenBudget: isCount,
  defaultChatTemplateKwargs: (value) => typeof value === "object" && value !== null && !Array.isArray(value),
  enableAutoToolChoice: isBoolean,
  toolCallParser: isString,
  embeddings: isBoolean,
  defaultSeed: Number.isInteger,
  gracefulShutdownTimeoutS: (value) => typeof value === "number" && value >= 0,
};

const OPTIONAL_FIELDS: ReadonlySet<string> = new Set([
  "contextSize", "batchSize", "chatTemplate", "reasoningParser", "reasoningTags", "thinkingTokenBudget", "toolCallParser",
  "defaultSeed",
]);
