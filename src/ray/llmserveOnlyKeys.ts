/**
 * Keys that only llmserve's local engine reads. Ray Serve LLM rejects unknown keys in LLMConfig and
 * ModelLoadingConfig (pydantic `extra="forbid"`), so `translateForRay` drops each of these.
 * Keep this in step with schemas/llmserve.schema.json: every key the schema marks as llmserve-only belongs here.
 */
export const LLMSERVE_ONLY_KEYS = {
  /** Top level of the config file. */
  root: [] as readonly string[],
  /** `http_options`. */
  httpOptions: [] as readonly string[],
  /** Each entry of `applications`. */
  application: [] as readonly string[],
  /** Each entry of `args.llm_configs`. */
  llmConfig: [] as readonly string[],
  /** `model_loading_config`: the local GGUF beside Ray's safetensors `model_source`. */
  modelLoadingConfig: ["gguf_source"] as readonly string[],
  /** `engine_kwargs`. `default_chat_template_kwargs` is NOT here: vLLM's FrontendArgs takes it, so Ray passes it on. */
  engineKwargs: [] as readonly string[],
} as const;

/** The import path of Ray Serve LLM's OpenAI app builder, the only one llmserve supports. */
export const RAY_LLM_IMPORT_PATH = "ray.serve.llm:build_openai_app";
