import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfigFile } from "../../../src/config/loadConfigFile.js";
import { REPO_ROOT } from "../../helpers/cli.js";

// The corpus of broken configs (issue 2): each file under test/fixtures/config/invalid must produce exactly these
// diagnostics, with line, column, path and message. A file whose first line is `# target: ray` is checked for Ray.
// Tokens in <angle brackets> stand for the long lists of allowed values, spelled out once below.

const REASONING_PARSERS =
  "deepseek_r1, qwen3, granite, deepseek_v3, glm45, mistral, seed_oss, hunyuan_a13b, ernie45, step3, olmo3, " +
  "openai_gptoss, kimi_k2, minimax_m2, minimax_m2_append_think, granite_thinking, holo2, hy_v3, mimo, minimax_m3, " +
  "nemotron_v3, step3p5, gemma4, deepseek_v4, cohere_command3, cohere_command4, inkling";
const TOOL_PARSERS =
  "hermes, llama3_json, llama4_json, llama4_pythonic, mistral, pythonic, granite, granite-20b-fc, internlm, jamba, " +
  "phi4_mini_json, deepseek_v3, deepseek_v31, deepseek_v32, kimi_k2, hunyuan_a13b, glm45, glm47, qwen3_coder, " +
  "qwen3_xml, minimax, minimax_m2, xlam, step3, openai, seed_oss, longcat, olmo3, ernie45, gigachat3, functiongemma";
const ACCELERATORS =
  "V100, P100, T4, P4, K80, A10G, L4, L40S, A100, H100, H200, H20, B200, Intel-GPU-Max-1550, Intel-GPU-Max-1100, Intel-GAUDI, AMD-Instinct-MI100, AMD-Instinct-MI250X, AMD-Instinct-MI250X-MI250, AMD-Instinct-MI210, AMD-Instinct-MI300A, AMD-Instinct-MI300X-OAM, AMD-Instinct-MI300X-HF, AMD-Instinct-MI308X, AMD-Instinct-MI325X-OAM, AMD-Instinct-MI350X-OAM, AMD-Instinct-MI355X-OAM, AMD-Radeon-R9-200-HD-7900, AMD-Radeon-HD-7900, aws-neuron-core, TPU-V2, TPU-V3, TPU-V4, TPU-V5P, TPU-V5LITEPOD, TPU-V6E, Ascend910B, Ascend910B4, MXC500, MXC550, A100-40G, A100-80G, A10, CPU, A30, A40, L40, RTX-A4000, RTX-A5000, RTX-A6000, RTX-6000-Ada, RTX-3060, RTX-3070, RTX-3080, RTX-3090, RTX-4060, RTX-4070, RTX-4080, RTX-4090, RTX-5070, RTX-5080, RTX-5090";

interface Expected {
  at: string;
  severity: "error" | "warning";
  path: string;
  message: string;
  /** Relative to the fixture directory, when the diagnostic is in another file than the one loaded. */
  file?: string;
}

const INVALID: Record<string, Expected[]> = {
  "accelerator-type-unknown.yaml": [
    {
      at: "7:29",
      severity: "error",
      path: "applications[0].args.llm_configs[0].accelerator_type",
      message: "accelerator_type must be one of <accelerators> or null (got 'A100-40GB'); did you mean 'A100-40G'?",
    },
  ],
  "api-key-env-not-a-name.yaml": [
    {
      at: "8:16",
      severity: "error",
      path: "http_options.api_key_env",
      message: "api_key_env must be an environment variable name such as LLMSERVE_API_KEY (got 'my-key')",
    },
  ],
  "applications-empty.yaml": [
    { at: "1:15", severity: "error", path: "applications", message: "applications must have at least 1 entry" },
  ],
  "parsers-not-implemented-locally.yaml": [
    {
      at: "8:31",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.reasoning_parser",
      message:
        "reasoning_parser 'inkling' is a vLLM parser that llmserve's local engine does not implement; it implements deepseek_r1, deepseek_v3, ernie45, glm45, granite, granite_thinking, holo2, hunyuan_a13b, kimi_k2, mimo, minimax_m2, minimax_m2_append_think, mistral, nemotron_v3, olmo3, openai_gptoss, qwen3, seed_oss, step3, step3p5 (validate with --target ray for a file meant only for a Ray cluster)",
    },
    {
      at: "10:31",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.tool_call_parser",
      message:
        "tool_call_parser 'qwen3_xml' is a vLLM parser that llmserve's local engine does not implement; it implements hermes, mistral, deepseek_v3, llama3_json, pythonic, openai (validate with --target ray for a file meant only for a Ray cluster)",
    },
  ],
  "reasoning-config-half.yaml": [
    {
      at: "10:15",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.reasoning_config.reasoning_start_str",
      message: "reasoning_config sets reasoning_start_str but not reasoning_end_str; give both",
    },
    {
      at: "11:33",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.reasoning_config.reasoning_parser",
      message: "reasoning_config.reasoning_parser 'deepseek_r1' differs from engine_kwargs.reasoning_parser 'qwen3'",
    },
  ],
  "reasoning-config-not-a-tag-parser.yaml": [
    {
      at: "10:15",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.reasoning_config.reasoning_start_str",
      message:
        "reasoning_config's strings replace the tags of a think-tag reasoning parser, but 'granite' splits on its own markers; use one of deepseek_r1, deepseek_v3, ernie45, glm45, granite_thinking, holo2, kimi_k2, mimo, minimax_m2, nemotron_v3, olmo3, qwen3, seed_oss, step3, step3p5, or leave reasoning_parser out (deepseek_r1's rules)",
    },
    {
      at: "11:34",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.reasoning_config.reasoning_end_str",
      message: "reasoning_end_str must differ from reasoning_start_str (both are '<|thought|>')",
    },
  ],
  "auto-tool-choice-without-parser.yaml": [
    {
      at: "8:38",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.enable_auto_tool_choice",
      message: "enable_auto_tool_choice needs a tool_call_parser (for example hermes for Qwen models)",
    },
  ],
  "thinking-budget-without-parser.yaml": [
    {
      at: "8:36",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.thinking_token_budget",
      message: "thinking_token_budget needs a reasoning_parser or reasoning_config (the parser knows where the thought ends and how to close it)",
    },
  ],
  "thinking-budget-negative.yaml": [
    {
      at: "9:36",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.thinking_token_budget",
      message: "thinking_token_budget must be >= 0 (got -1)",
    },
  ],
  "autoscaling-unknown-key-typo.yaml": [
    {
      at: "10:15",
      severity: "error",
      path: "applications[0].args.llm_configs[0].deployment_config.autoscaling_config.max_replica",
      message: "unknown key 'max_replica', did you mean 'max_replicas'?",
    },
  ],
  "bucket-source-without-gguf.yaml": [
    {
      at: "7:15",
      severity: "error",
      path: "applications[0].args.llm_configs[0].model_loading_config.model_source",
      message:
        "model_source is a cloud bucket, which llmserve cannot run locally; add model_loading_config.gguf_source (a .gguf path, hf:owner/repo/file.gguf, hf:owner/repo:QUANT, or an https:// URL)",
    },
  ],
  "cpu-with-tensor-parallel.yaml": [
    {
      at: "9:35",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.tensor_parallel_size",
      message: "tensor_parallel_size > 1 splits a replica across GPUs, but accelerator_type is CPU",
    },
  ],
  "disable-log-stats-with-metrics.yaml": [
    {
      at: "8:13",
      severity: "warning",
      path: "applications[0].args.llm_configs[0].engine_kwargs.disable_log_stats",
      message:
        "engine argument 'disable_log_stats' is a vLLM setting that llmserve's llama.cpp engine does not use; ignored locally",
    },
    {
      at: "8:32",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.disable_log_stats",
      message:
        "disable_log_stats cannot be true while log_engine_metrics is on (the default); set log_engine_metrics: false (Ray refuses this too)",
    },
  ],
  "duplicate-application-names.yaml": [
    {
      at: "7:11",
      severity: "error",
      path: "applications[1].name",
      message: "application name 'app' is used twice; give each application a unique name (first at line 2)",
    },
  ],
  "duplicate-default-application.yaml": [
    {
      at: "5:5",
      severity: "error",
      path: "applications[1]",
      message:
        "application name 'default' is used twice (the default name); give each application a unique name (first at line 2)",
    },
    {
      at: "5:5",
      severity: "error",
      path: "applications[1]",
      message:
        "route_prefix '/' is used by two applications (the default prefix); give each application its own prefix (first at line 2)",
    },
  ],
  "duplicate-model-id.yaml": [
    {
      at: "5:44",
      severity: "error",
      path: "applications[0].args.llm_configs[1].model_loading_config.model_id",
      message: "model_id 'm' is used twice in this application; model ids must be unique (first at line 4)",
    },
  ],
  "duplicate-route-prefix.yaml": [
    {
      at: "8:19",
      severity: "error",
      path: "applications[1].route_prefix",
      message: "route_prefix '/v' is used by two applications; give each application its own prefix (first at line 3)",
    },
  ],
  "engine-kwarg-model-forbidden.yaml": [
    {
      at: "8:13",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.model",
      message:
        "'model' cannot be set in engine_kwargs; the weights come from model_loading_config.model_source (Ray refuses it too)",
    },
  ],
  "engine-kwarg-typo.yaml": [
    {
      at: "8:13",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.max_model_length",
      message: "unknown engine argument 'max_model_length', did you mean 'max_model_len'?",
    },
  ],
  "engine-kwarg-unknown.yaml": [
    {
      at: "8:13",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.foo_bar_baz",
      message: "unknown engine argument 'foo_bar_baz' (not a vLLM engine argument; Ray would refuse it too)",
    },
  ],
  "env-var-not-a-string.yaml": [
    {
      at: "9:32",
      severity: "error",
      path: "applications[0].args.llm_configs[0].runtime_env.env_vars.OMP_NUM_THREADS",
      message: 'OMP_NUM_THREADS must be a string (got 4); quote it to make it a string: "4"',
    },
  ],
  "gguf-file-missing.yaml": [
    {
      at: "6:26",
      severity: "error",
      path: "applications[0].args.llm_configs[0].model_loading_config.gguf_source",
      message: "GGUF file not found: looked at <dir>/models/missing.gguf",
    },
  ],
  "gguf-repo-without-hf-prefix.yaml": [
    {
      at: "6:27",
      severity: "error",
      path: "applications[0].args.llm_configs[0].model_loading_config.model_source",
      message:
        "Qwen/Qwen3-32B-GGUF looks like a GGUF repository; write it as hf:Qwen/Qwen3-32B-GGUF:Q4_K_M (or another quantization it holds), or set it as gguf_source",
    },
  ],
  "gguf-source-bad-hf-uri.yaml": [
    {
      at: "7:26",
      severity: "error",
      path: "applications[0].args.llm_configs[0].model_loading_config.gguf_source",
      message:
        "gguf_source 'hf:Qwen/Qwen3-32B' is not a GGUF source: write hf:owner/repo/file.gguf or hf:owner/repo:QUANT (e.g. hf:Qwen/Qwen3-0.6B-GGUF:Q8_0)",
    },
  ],
  "gpu-memory-utilization-above-one.yaml": [
    {
      at: "8:37",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.gpu_memory_utilization",
      message: "gpu_memory_utilization must be <= 1 (got 1.5)",
    },
  ],
  "host-per-application.yaml": [
    {
      at: "2:5",
      severity: "error",
      path: "applications[0].host",
      message: "'host' cannot be set per application; set it in the top-level 'http_options' (Ray refuses it here too)",
    },
  ],
  "http-options-is-a-list.yaml": [
    { at: "8:3", severity: "error", path: "http_options", message: "http_options must be a mapping (got a list)" },
  ],
  "import-path-other-app.yaml": [
    {
      at: "2:18",
      severity: "error",
      path: "applications[0].import_path",
      message:
        "import_path must be 'ray.serve.llm:build_openai_app' (got 'my_module:app'); llmserve checks and serves Ray Serve LLM's OpenAI application only, not other builders such as prefill-decode disaggregation",
    },
  ],
  "initial-replicas-above-max.yaml": [
    {
      at: "9:33",
      severity: "error",
      path: "applications[0].args.llm_configs[0].deployment_config.autoscaling_config.initial_replicas",
      message: "initial_replicas (5) is greater than max_replicas (4)",
    },
  ],
  "initial-replicas-below-min.yaml": [
    {
      at: "10:33",
      severity: "error",
      path: "applications[0].args.llm_configs[0].deployment_config.autoscaling_config.initial_replicas",
      message: "initial_replicas (1) is less than min_replicas (2)",
    },
  ],
  "keep-alive-zero.yaml": [
    {
      at: "8:25",
      severity: "error",
      path: "http_options.keep_alive_timeout_s",
      message: "keep_alive_timeout_s must be > 0 (got 0)",
    },
  ],
  "llm-config-file-invalid.yaml": [
    {
      at: "6:21",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.reasoning_parser",
      message: "reasoning_parser must be one of <reasoning-parsers> (got 'deepseek-r1'); did you mean 'deepseek_r1'?",
      file: "included/bad-model.yaml",
    },
  ],
  "llm-config-file-missing.yaml": [
    {
      at: "4:11",
      severity: "error",
      path: "applications[0].args.llm_configs[0]",
      message:
        "llm_config file 'models/not-there.yaml' does not exist (looked at <dir>/models/not-there.yaml and <cwd>/models/not-there.yaml)",
    },
  ],
  "llm-config-not-mapping-or-path.yaml": [
    {
      at: "4:11",
      severity: "error",
      path: "applications[0].args.llm_configs[0]",
      message: "each llm_configs entry must be an LLMConfig mapping or the path of a YAML file holding one (got 3)",
    },
  ],
  "llm-configs-empty.yaml": [
    {
      at: "3:20",
      severity: "error",
      path: "applications[0].args.llm_configs",
      message: "llm_configs must have at least 1 entry",
    },
  ],
  "llm-engine-other.yaml": [
    {
      at: "7:11",
      severity: "warning",
      path: "applications[0].args.llm_configs[0].llm_engine",
      message: "'llm_engine' is a Ray setting that llmserve does not use on one machine; ignored locally",
    },
    {
      at: "7:23",
      severity: "error",
      path: "applications[0].args.llm_configs[0].llm_engine",
      message: "llm_engine must be one of vLLM, VLLM (got 'sglang')",
    },
  ],
  "log-level-unknown.yaml": [
    {
      at: "8:14",
      severity: "error",
      path: "logging_config.log_level",
      message:
        "log_level must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL or an integer >= 0 and <= 50 (got 'VERBOSE')",
    },
  ],
  "many-problems-at-once.yaml": [
    { at: "2:11", severity: "error", path: "applications[0].name", message: "name must not be empty" },
    {
      at: "3:19",
      severity: "error",
      path: "applications[0].route_prefix",
      message:
        "route_prefix must start with '/', must not end with '/' unless it is '/', and must not contain '{' or '}' (got 'api')",
    },
    {
      at: "8:27",
      severity: "error",
      path: "applications[0].args.llm_configs[0].model_loading_config.model_source",
      message:
        "Qwen/Qwen3-8B holds safetensors weights; add a GGUF source such as hf:Qwen/Qwen3-8B-GGUF:Q4_K_M as model_loading_config.gguf_source",
    },
    {
      at: "10:31",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.reasoning_parser",
      message: "reasoning_parser must be one of <reasoning-parsers> (got 'r1')",
    },
    {
      at: "11:28",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.max_model_len",
      message: "max_model_len must be >= 1 (got -1)",
    },
    {
      at: "14:29",
      severity: "error",
      path: "applications[0].args.llm_configs[0].deployment_config.autoscaling_config.min_replicas",
      message: "min_replicas (4) is greater than max_replicas (2)",
    },
    { at: "17:3", severity: "error", path: "http_options.prot", message: "unknown key 'prot', did you mean 'port'?" },
  ],
  "max-ongoing-in-autoscaling.yaml": [
    {
      at: "9:15",
      severity: "error",
      path: "applications[0].args.llm_configs[0].deployment_config.autoscaling_config.max_ongoing_requests",
      message:
        "'max_ongoing_requests' belongs in 'deployment_config', not in 'autoscaling_config' (Ray silently ignores it here)",
    },
  ],
  "max-queued-requests-zero.yaml": [
    {
      at: "8:34",
      severity: "error",
      path: "applications[0].args.llm_configs[0].deployment_config.max_queued_requests",
      message: "max_queued_requests must be -1 (unlimited) or a positive integer (got 0)",
    },
  ],
  "max-replicas-zero.yaml": [
    {
      at: "10:29",
      severity: "error",
      path: "applications[0].args.llm_configs[0].deployment_config.autoscaling_config.max_replicas",
      message: "max_replicas must be >= 1 (got 0)",
    },
  ],
  "min-replicas-above-default-max.yaml": [
    {
      at: "9:29",
      severity: "error",
      path: "applications[0].args.llm_configs[0].deployment_config.autoscaling_config.min_replicas",
      message: "min_replicas (3) is greater than max_replicas (1, the default)",
    },
  ],
  "min-replicas-above-max.yaml": [
    {
      at: "9:29",
      severity: "error",
      path: "applications[0].args.llm_configs[0].deployment_config.autoscaling_config.min_replicas",
      message: "min_replicas (3) is greater than max_replicas (2)",
    },
  ],
  "missing-applications.yaml": [
    { at: "1:1", severity: "error", path: "applications", message: "missing required key 'applications'" },
  ],
  "missing-args.yaml": [
    { at: "2:5", severity: "error", path: "applications[0].args", message: "missing required key 'args'" },
  ],
  "missing-llm-configs.yaml": [
    {
      at: "2:5",
      severity: "error",
      path: "applications[0].args.llm_configs",
      message: "missing required key 'llm_configs'",
    },
  ],
  "missing-model-id.yaml": [
    {
      at: "4:11",
      severity: "error",
      path: "applications[0].args.llm_configs[0].model_loading_config.model_id",
      message: "missing required key 'model_id'",
    },
  ],
  "missing-model-loading-config.yaml": [
    {
      at: "4:11",
      severity: "error",
      path: "applications[0].args.llm_configs[0].model_loading_config",
      message: "missing required key 'model_loading_config'",
    },
  ],
  "model-id-as-source-without-gguf.yaml": [
    {
      at: "5:23",
      severity: "error",
      path: "applications[0].args.llm_configs[0].model_loading_config.model_id",
      message:
        "Qwen/QwQ-32B holds safetensors weights; add a GGUF source such as hf:Qwen/QwQ-32B-GGUF:Q4_K_M as model_loading_config.gguf_source",
    },
  ],
  "model-id-at-llm-config-level.yaml": [
    {
      at: "4:11",
      severity: "error",
      path: "applications[0].args.llm_configs[0].model_id",
      message: "'model_id' belongs under 'model_loading_config'",
    },
  ],
  "model-id-empty.yaml": [
    {
      at: "5:23",
      severity: "error",
      path: "applications[0].args.llm_configs[0].model_loading_config.model_id",
      message: "model_id must not be empty",
    },
  ],
  "num-replicas-misspelled-auto.yaml": [
    {
      at: "8:27",
      severity: "error",
      path: "applications[0].args.llm_configs[0].deployment_config.num_replicas",
      message: "num_replicas must be an integer >= 1 or 'auto' or null (got 'autoo')",
    },
  ],
  "num-replicas-with-autoscaling.yaml": [
    {
      at: "8:13",
      severity: "error",
      path: "applications[0].args.llm_configs[0].deployment_config.num_replicas",
      message:
        "num_replicas cannot be used together with autoscaling_config (Ray refuses this too); remove one of them",
    },
  ],
  "num-replicas-zero.yaml": [
    {
      at: "8:27",
      severity: "error",
      path: "applications[0].args.llm_configs[0].deployment_config.num_replicas",
      message: "num_replicas must be an integer >= 1 or 'auto' or null (got 0)",
    },
  ],
  "port-not-a-number.yaml": [
    { at: "8:9", severity: "error", path: "http_options.port", message: "port must be an integer (got 'eighty')" },
  ],
  "port-out-of-range.yaml": [
    { at: "8:9", severity: "error", path: "http_options.port", message: "port must be <= 65535 (got 70000)" },
  ],
  "reasoning-field-typo.yaml": [
    {
      at: "8:30",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.reasoning_field",
      message:
        "reasoning_field must be one of both, reasoning_content, reasoning (got 'reasoning_contents'); did you mean 'reasoning_content'?",
    },
  ],
  "reasoning-parser-not-a-parser.yaml": [
    {
      at: "8:31",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.reasoning_parser",
      message: "reasoning_parser must be one of <reasoning-parsers> (got 'qwen'); did you mean 'qwen3'?",
    },
  ],
  "route-prefix-no-leading-slash.yaml": [
    {
      at: "2:19",
      severity: "error",
      path: "applications[0].route_prefix",
      message:
        "route_prefix must start with '/', must not end with '/' unless it is '/', and must not contain '{' or '}' (got 'v1')",
    },
  ],
  "route-prefix-trailing-slash.yaml": [
    {
      at: "2:19",
      severity: "error",
      path: "applications[0].route_prefix",
      message:
        "route_prefix must start with '/', must not end with '/' unless it is '/', and must not contain '{' or '}' (got '/v1/')",
    },
  ],
  "route-prefix-wildcard.yaml": [
    {
      at: "2:19",
      severity: "error",
      path: "applications[0].route_prefix",
      message:
        "route_prefix must start with '/', must not end with '/' unless it is '/', and must not contain '{' or '}' (got '/{name}')",
    },
  ],
  "safetensors-without-gguf.yaml": [
    {
      at: "6:27",
      severity: "error",
      path: "applications[0].args.llm_configs[0].model_loading_config.model_source",
      message:
        "Qwen/Qwen3-32B holds safetensors weights; add a GGUF source such as hf:Qwen/Qwen3-32B-GGUF:Q4_K_M as model_loading_config.gguf_source",
    },
  ],
  "single-application-format.yaml": [
    { at: "1:1", severity: "error", path: "applications", message: "missing required key 'applications'" },
    {
      at: "1:1",
      severity: "error",
      path: "import_path",
      message: "this looks like a single-application config; put it under 'applications: - import_path: ...'",
    },
    {
      at: "2:1",
      severity: "error",
      path: "args",
      message: "this looks like a single-application config; put it under 'applications: - args: ...'",
    },
  ],
  "target-ray-local-accelerator.yaml": [
    {
      at: "7:27",
      severity: "warning",
      path: "applications[0].args.llm_configs[0].model_loading_config.model_source",
      message:
        "model_source 'hf:Qwen/Qwen3-0.6B-GGUF:Q8_0' is an llmserve GGUF source that Ray's vLLM engine cannot load; move it to gguf_source and name the Hugging Face repository in model_source",
    },
    {
      at: "8:29",
      severity: "error",
      path: "applications[0].args.llm_configs[0].accelerator_type",
      message:
        "accelerator_type 'RTX-4090' is an llmserve-only name that Ray does not accept; use one of Ray's accelerator types or remove it",
    },
  ],
  "tensor-parallel-zero.yaml": [
    {
      at: "8:35",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.tensor_parallel_size",
      message: "tensor_parallel_size must be >= 1 (got 0)",
    },
  ],
  "tool-call-parser-typo.yaml": [
    {
      at: "9:31",
      severity: "error",
      path: "applications[0].args.llm_configs[0].engine_kwargs.tool_call_parser",
      message: "tool_call_parser must be one of <tool-parsers> (got 'hermess'); did you mean 'hermes'?",
    },
  ],
  "unknown-top-level-key.yaml": [
    {
      at: "7:1",
      severity: "error",
      path: "colour",
      message:
        "unknown key 'colour' (allowed: applications, http_options, logging_config, proxy_location, grpc_options, target_capacity)",
    },
  ],
  "yaml-comments-only.yaml": [
    {
      at: "1:1",
      severity: "error",
      path: "",
      message: "the file is empty; expected <serve-or-llm-config>",
    },
  ],
  "yaml-duplicate-key.yaml": [{ at: "6:13", severity: "error", path: "", message: "duplicate key 'model_id'" }],
  "yaml-empty.yaml": [
    {
      at: "1:1",
      severity: "error",
      path: "",
      message: "the file is empty; expected <serve-or-llm-config>",
    },
  ],
  "yaml-root-is-list.yaml": [
    {
      at: "1:1",
      severity: "error",
      path: "",
      message: "the top level must be <serve-or-llm-config> (got a list)",
    },
  ],
  "yaml-root-is-scalar.yaml": [
    {
      at: "1:1",
      severity: "error",
      path: "",
      message: "the top level must be <serve-or-llm-config> (got a string)",
    },
  ],
  "yaml-tab-indent.yaml": [
    {
      at: "2:1",
      severity: "error",
      path: "",
      message: "YAML syntax error: tabs are not allowed for indentation; indent with spaces",
    },
  ],
  "yaml-two-documents.yaml": [
    {
      at: "7:1",
      severity: "error",
      path: "",
      message: "the file holds more than one YAML document (---); a config file is one document",
    },
  ],
  "yaml-unclosed-bracket.yaml": [
    {
      at: "5:1",
      severity: "error",
      path: "",
      message: "YAML syntax error: flow map in block collection must be sufficiently indented and end with a }",
    },
    {
      at: "5:1",
      severity: "error",
      path: "",
      message: "YAML syntax error: flow sequence in block collection must be sufficiently indented and end with a ]",
    },
  ],
  "yaml-unknown-tag.yaml": [
    {
      at: "1:15",
      severity: "error",
      path: "",
      message: "unsupported YAML tag !include (Ray's YAML loader refuses it too)",
    },
  ],
};

const WARNINGS: Record<string, Expected[]> = {
  "plain-http-download.yaml": [
    {
      at: "6:27",
      severity: "warning",
      path: "applications[0].args.llm_configs[0].model_loading_config.model_source",
      message: "model_source downloads over plain http, which anyone on the way can tamper with; prefer https",
    },
  ],
  "ray-settings-ignored-locally.yaml": [
    {
      at: "1:1",
      severity: "warning",
      path: "proxy_location",
      message: "'proxy_location' is a Ray setting that llmserve does not use on one machine; ignored locally",
    },
    {
      at: "2:1",
      severity: "warning",
      path: "target_capacity",
      message: "'target_capacity' is a Ray setting that llmserve does not use on one machine; ignored locally",
    },
    {
      at: "10:13",
      severity: "warning",
      path: "applications[0].args.llm_configs[0].engine_kwargs.dtype",
      message:
        "engine argument 'dtype' is a vLLM setting that llmserve's llama.cpp engine does not use; ignored locally",
    },
    {
      at: "11:13",
      severity: "warning",
      path: "applications[0].args.llm_configs[0].engine_kwargs.trust_remote_code",
      message:
        "engine argument 'trust_remote_code' is a vLLM setting that llmserve's llama.cpp engine does not use; ignored locally",
    },
    {
      at: "12:11",
      severity: "warning",
      path: "applications[0].args.llm_configs[0].lora_config",
      message: "'lora_config' is a Ray setting that llmserve does not use on one machine; ignored locally",
    },
    {
      at: "15:13",
      severity: "warning",
      path: "applications[0].args.llm_configs[0].deployment_config.ray_actor_options",
      message: "'ray_actor_options' is a Ray setting that llmserve does not use on one machine; ignored locally",
    },
    {
      at: "18:3",
      severity: "warning",
      path: "http_options.root_path",
      message: "'root_path' is a Ray setting that llmserve does not use on one machine; ignored locally",
    },
  ],
  "target-ray-gguf-model-source.yaml": [
    {
      at: "7:27",
      severity: "warning",
      path: "applications[0].args.llm_configs[0].model_loading_config.model_source",
      message:
        "model_source 'hf:Qwen/Qwen3-0.6B-GGUF:Q8_0' is an llmserve GGUF source that Ray's vLLM engine cannot load; move it to gguf_source and name the Hugging Face repository in model_source",
    },
  ],
};

function expand(message: string, dir: string): string {
  return message
    .replaceAll("<reasoning-parsers>", REASONING_PARSERS)
    .replaceAll("<tool-parsers>", TOOL_PARSERS)
    .replaceAll("<accelerators>", ACCELERATORS)
    .replaceAll("<serve-or-llm-config>", "a mapping with an 'applications' list (or one LLMConfig, with 'model_loading_config')")
    .replaceAll("<cwd>", process.cwd())
    .replaceAll("<dir>", dir);
}

async function diagnosticsOf(dir: string, name: string) {
  const relative = join(dir, name);
  const target = readFileSync(join(REPO_ROOT, relative), "utf8").startsWith("# target: ray") ? "ray" : "local";
  const result = await loadConfigFile(relative, { target });
  return { result, relative };
}

function expectDiagnostics(actual: Awaited<ReturnType<typeof diagnosticsOf>>, dir: string, expected: Expected[]) {
  const absoluteDir = join(REPO_ROOT, dir);
  expect(actual.result.diagnostics).toEqual(
    expected.map((e) => {
      const [line, column] = e.at.split(":").map(Number);
      return {
        file: e.file === undefined ? actual.relative : join(dir, e.file),
        line,
        column,
        severity: e.severity,
        path: e.path,
        message: expand(e.message, absoluteDir),
      };
    }),
  );
}

describe("loadConfigFile on invalid configs", () => {
  const dir = "test/fixtures/config/invalid";
  // cwd is the repository root under vitest, so relative paths show up in diagnostics as given.
  process.chdir(REPO_ROOT);

  it("should have an expectation for every fixture and at least 40 of them", () => {
    const files = readdirSync(join(REPO_ROOT, dir))
      .filter((f) => f.endsWith(".yaml"))
      .sort();
    expect(files).toEqual(Object.keys(INVALID).sort());
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  for (const [name, expected] of Object.entries(INVALID)) {
    it(`should report ${name} exactly`, async () => {
      const actual = await diagnosticsOf(dir, name);
      expectDiagnostics(actual, dir, expected);
      expect(actual.result.config).toBeUndefined();
    });
  }
});

describe("loadConfigFile on valid configs with warnings", () => {
  const dir = "test/fixtures/config/warnings";

  it("should have an expectation for every fixture", () => {
    const files = readdirSync(join(REPO_ROOT, dir))
      .filter((f) => f.endsWith(".yaml"))
      .sort();
    expect(files).toEqual(Object.keys(WARNINGS).sort());
  });

  for (const [name, expected] of Object.entries(WARNINGS)) {
    it(`should warn about ${name} and still load it`, async () => {
      const actual = await diagnosticsOf(dir, name);
      expectDiagnostics(actual, dir, expected);
      expect(actual.result.config).toBeDefined();
    });
  }
});
