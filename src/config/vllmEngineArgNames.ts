/**
 * vLLM engine argument names (EngineArgs and the OpenAI server's FrontendArgs, v0.8 to v0.12 and later), as
 * written in Ray's engine_kwargs. llmserve accepts them so that a Ray config validates unchanged; the ones its
 * llama.cpp engine does not use are ignored with a warning. A name outside this list is an error, as in Ray
 * ("Unknown engine argument").
 */
export const VLLM_ENGINE_ARG_NAMES: readonly string[] = [
  // Model
  "model", "served_model_name", "tokenizer", "hf_config_path", "runner", "convert", "task", "skip_tokenizer_init",
  "enable_prompt_embeds", "tokenizer_mode", "trust_remote_code", "allowed_local_media_path", "allowed_media_domains",
  "download_dir", "safetensors_load_strategy", "load_format", "config_format", "dtype", "seed", "max_model_len",
  "revision", "code_revision", "tokenizer_revision", "rope_scaling", "rope_theta", "hf_token", "hf_overrides",
  "quantization", "enforce_eager", "max_seq_len_to_capture", "max_logprobs", "logprobs_mode", "disable_sliding_window",
  "disable_cascade_attn", "generation_config", "override_generation_config", "model_impl", "override_attention_dtype",
  "logits_processor_pattern", "logits_processors", "io_processor_plugin", "pooler_config", "override_pooler_config",
  "model_loader_extra_config", "ignore_patterns", "use_tqdm_on_load", "pt_load_map_location", "qlora_adapter_name_or_path",
  "additional_config", "tokenizer_pool_size", "tokenizer_pool_type", "tokenizer_pool_extra_config",
  // Parallelism
  "distributed_executor_backend", "pipeline_parallel_size", "tensor_parallel_size", "decode_context_parallel_size",
  "prefill_context_parallel_size", "dcp_kv_cache_interleave_size", "data_parallel_size", "data_parallel_rank",
  "data_parallel_start_rank", "data_parallel_size_local", "data_parallel_address", "data_parallel_rpc_port",
  "data_parallel_hybrid_lb", "data_parallel_external_lb", "data_parallel_backend", "enable_expert_parallel",
  "all2all_backend", "enable_dbo", "dbo_decode_token_threshold", "dbo_prefill_token_threshold", "ubatch_size",
  "eplb_config", "enable_eplb", "expert_placement_strategy", "num_redundant_experts", "eplb_window_size",
  "eplb_step_interval", "eplb_log_balancedness", "max_parallel_loading_workers", "ray_workers_use_nsight",
  "disable_custom_all_reduce", "worker_cls", "worker_extension_cls", "enable_multimodal_encoder_data_parallel",
  // Cache
  "block_size", "gpu_memory_utilization", "kv_cache_memory_bytes", "swap_space", "kv_cache_dtype",
  "num_gpu_blocks_override", "enable_prefix_caching", "prefix_caching_hash_algo", "cpu_offload_gb",
  "calculate_kv_scales", "kv_sharing_fast_prefill", "mamba_cache_dtype", "mamba_ssm_cache_dtype", "mamba_block_size",
  "kv_offloading_size", "kv_offloading_backend", "preemption_mode", "use_v2_block_manager",
  // Scheduler
  "max_num_batched_tokens", "max_num_seqs", "max_num_partial_prefills", "max_long_partial_prefills",
  "long_prefill_token_threshold", "num_lookahead_slots", "scheduler_delay_factor", "enable_chunked_prefill",
  "disable_chunked_mm_input", "scheduling_policy", "scheduler_cls", "disable_hybrid_kv_cache_manager",
  "async_scheduling", "stream_interval", "num_scheduler_steps", "multi_step_stream_outputs", "cuda_graph_sizes",
  // Multimodal
  "limit_mm_per_prompt", "interleave_mm_strings", "media_io_kwargs", "mm_processor_kwargs",
  "disable_mm_preprocessor_cache", "mm_processor_cache_gb", "mm_processor_cache_type",
  "mm_shm_cache_max_object_size_mb", "mm_encoder_tp_mode", "mm_encoder_attn_backend", "skip_mm_profiling",
  "video_pruning_rate",
  // LoRA
  "enable_lora", "enable_lora_bias", "max_loras", "max_lora_rank", "default_mm_loras", "fully_sharded_loras",
  "max_cpu_loras", "lora_dtype", "lora_extra_vocab_size", "long_lora_scaling_factors", "enable_prompt_adapter",
  "max_prompt_adapters", "max_prompt_adapter_token",
  // Structured outputs and reasoning
  "structured_outputs_config", "reasoning_parser", "reasoning_parser_plugin", "guided_decoding_backend",
  "guided_decoding_disable_fallback", "guided_decoding_disable_any_whitespace",
  "guided_decoding_disable_additional_properties",
  // Speculative decoding, observability, compilation, transfer
  "speculative_config", "show_hidden_metrics_for_version", "otlp_traces_endpoint", "collect_detailed_traces",
  "disable_log_stats", "aggregate_engine_logging", "disable_log_requests", "enable_log_requests",
  "enable_mfu_metrics", "compilation_config", "cudagraph_capture_sizes", "max_cudagraph_capture_size",
  "optimization_level", "attention_backend", "attention_config", "profiler_config", "kv_transfer_config",
  "kv_events_config", "ec_transfer_config", "enable_sleep_mode", "device", "disable_async_output_proc",
  "enable_return_routed_experts",
  // OpenAI server (FrontendArgs)
  "host", "port", "uds", "uvicorn_log_level", "disable_uvicorn_access_log", "allow_credentials", "allowed_origins",
  "allowed_methods", "allowed_headers", "api_key", "lora_modules", "prompt_adapters", "chat_template",
  "chat_template_content_format", "trust_request_chat_template", "default_chat_template_kwargs", "response_role",
  "ssl_keyfile", "ssl_certfile", "ssl_ca_certs", "enable_ssl_refresh", "ssl_cert_reqs", "root_path", "middleware",
  "return_tokens_as_token_ids", "disable_frontend_multiprocessing", "enable_request_id_headers",
  "enable_auto_tool_choice", "exclude_tools_when_tool_choice_none", "tool_call_parser", "tool_parser_plugin",
  "tool_server", "log_config_file", "max_log_len", "disable_fastapi_docs", "enable_prompt_tokens_details",
  "enable_server_load_tracking", "enable_force_include_usage", "enable_tokenizer_info_endpoint", "enable_log_outputs",
  "enable_log_deltas", "h11_max_incomplete_event_size", "h11_max_header_count", "log_error_stack", "tokens_only",
];
