/**
 * Keys that only llmserve's local engine reads. Ray Serve LLM rejects unknown keys in LLMConfig and
 * ModelLoadingConfig (pydantic `extra="forbid"`), so `translateForRay` drops each of these.
 * Keep this in step with schemas/llmserve.schema.json: every key the schema marks as llmserve-only belongs here.
 */
export const LLMSERVE_ONLY_KEYS = {
  /** Top level of the config file. */
  root: [] as readonly string[],
  /** `http_options`: the API key environment variable (Ray Serve has no API key option). */
  httpOptions: ["api_key_env", "cors"] as readonly string[],
  /** Each entry of `applications`. */
  application: [] as readonly string[],
  /** Each entry of `args.llm_configs`. */
  llmConfig: [] as readonly string[],
  /** `model_loading_config`: the local GGUF beside Ray's safetensors `model_source`. */
  modelLoadingConfig: ["gguf_source"] as readonly string[],
  /**
   * `engine_kwargs`: which response field carries the reasoning (vLLM would reject the unknown argument).
   * `default_chat_template_kwargs` is NOT here: vLLM's FrontendArgs takes it, and Ray passes it on.
   */
  engineKwargs: ["reasoning_field", "thinking_token_budget"] as readonly string[],
} as const;

/** Why a dropped key matters on the cluster, when it does (keyed by the key name). */
export const DROPPED_KEY_NOTES: Readonly<Record<string, string>> = {
  api_key_env:
    "http_options.api_key_env is llmserve's own and is dropped: Ray Serve has no API key option, so the app on the " +
    "cluster accepts requests without a key. Put an authenticating proxy or gateway in front of it.",
  cors:
    "http_options.cors is llmserve's own and is dropped: Ray Serve has no CORS option, so browsers on other origins " +
    "cannot call the app on the cluster unless a proxy in front of it adds the CORS headers.",
  reasoning_field:
    "engine_kwargs.reasoning_field is llmserve's own and is dropped: on Ray, vLLM decides the name of the reasoning " +
    "field (reasoning_content or reasoning, depending on its version).",
  thinking_token_budget:
    "engine_kwargs.thinking_token_budget is llmserve's own and is dropped: on Ray, requests must send " +
    "thinking_token_budget themselves (vLLM's per-request field).",
};

/** The import path of Ray Serve LLM's OpenAI app builder, the only one llmserve supports. */
export const RAY_LLM_IMPORT_PATH = "ray.serve.llm:build_openai_app";
