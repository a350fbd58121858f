/** Which response fields carry the reasoning text split off by the reasoning parser. */
export type ReasoningFieldChoice = "both" | "reasoning" | "reasoning_content";

/** GPU backend request passed to node-llama-cpp's `getLlama`. */
export type ReplicaGpuChoice = "auto" | "cuda" | "vulkan" | false;

/**
 * Everything a replica needs to load its model and serve it: plain data, built from the config by
 * `replicaSettingsFromConfig` (or by hand in tests). Secrets (the Hugging Face token) live here but are never logged.
 */
export interface ReplicaSettings {
  /** Application name (for logs). */
  readonly appName: string;
  /** The `model` name clients send; `/v1/models` lists it. */
  readonly modelId: string;
  /** What to load: an absolute local path, `hf:owner/repo/file.gguf`, `hf:owner/repo:QUANT` or an http(s) URL. */
  readonly modelSource: string;
  /** Download cache directory (`$LLMSERVE_HOME/models`). */
  readonly modelsDir: string;
  /** Hugging Face token tried after an unauthenticated request is refused. Never printed. */
  readonly hfToken: string | undefined;
  /** Hugging Face endpoint, always ending in "/". Defaults to `https://huggingface.co/`. */
  readonly hfEndpoint: string;
  /** GPU backend to ask node-llama-cpp for. */
  readonly gpu: ReplicaGpuChoice;
  /** Whether the replica may run on the CPU when no GPU backend works. */
  readonly allowCpuFallback: boolean;
  /** CPU threads used for evaluation (set explicitly: node-llama-cpp's default oversubscribes small hosts). */
  readonly threads: number;
  /** Number of parallel sequences in the one context: requests generating at the same time. */
  readonly sequences: number;
  /** Context size per sequence (`max_model_len`); undefined = min(model's trained context, 4096). */
  readonly contextSize: number | undefined;
  /** Tokens per decode batch (`max_num_batched_tokens`); undefined = node-llama-cpp's default. */
  readonly batchSize: number | undefined;
  /** `engine_kwargs.chat_template` (already read when it named a file): replaces the GGUF's template. */
  readonly chatTemplate: string | undefined;
  /** Requests allowed to wait for a free sequence; one more is answered 503. */
  readonly maxQueuedRequests: number;
  /** vLLM reasoning parser name (`engine_kwargs.reasoning_parser`), or undefined for raw text content. */
  readonly reasoningParser: string | undefined;
  /** Which message/delta fields carry the reasoning. Defaults to both. */
  readonly reasoningField: ReasoningFieldChoice;
  /** `engine_kwargs.thinking_token_budget`: reasoning tokens allowed when a request sets no budget; undefined = none. */
  readonly thinkingTokenBudget: number | undefined;
  /** `default_chat_template_kwargs`: merged under each request's `chat_template_kwargs`. */
  readonly defaultChatTemplateKwargs: Readonly<Record<string, unknown>>;
  /** `engine_kwargs.enable_auto_tool_choice`: `tool_choice: "auto"` is allowed (vLLM's --enable-auto-tool-choice). */
  readonly enableAutoToolChoice: boolean;
  /** `engine_kwargs.tool_call_parser` (vLLM's name, e.g. hermes), or undefined. */
  readonly toolCallParser: string | undefined;
  /** Serve `/v1/embeddings` (`engine_kwargs.task: embed`, `runner: pooling` or `convert: embed`, as vLLM). */
  readonly embeddings: boolean;
  /** `engine_kwargs.seed`: the seed used when a request gives none (undefined = random per request). */
  readonly defaultSeed: number | undefined;
  /** Request bodies larger than this get 413. */
  readonly maxBodyBytes: number;
  /** Seconds in-flight requests may take to finish after SIGTERM. */
  readonly gracefulShutdownTimeoutS: number;
}
