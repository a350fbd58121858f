/**
 * Messages for keys that are valid somewhere else, by the title of the schema they were found in. These say
 * where the key belongs instead of a bare "unknown key".
 */
export const MISPLACED_KEY_HINTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  LlmServeConfigFile: {
    name: "'name' belongs to an application: put it under 'applications: - name: ...'",
    route_prefix: "'route_prefix' belongs to an application: put it under 'applications: - route_prefix: ...'",
    import_path: "this looks like a single-application config; put it under 'applications: - import_path: ...'",
    args: "this looks like a single-application config; put it under 'applications: - args: ...'",
    llm_configs: "'llm_configs' belongs under 'applications: - args:'",
    host: "'host' belongs under 'http_options'",
    port: "'port' belongs under 'http_options'",
  },
  Application: {
    host: "'host' cannot be set per application; set it in the top-level 'http_options' (Ray refuses it here too)",
    port: "'port' cannot be set per application; set it in the top-level 'http_options' (Ray refuses it here too)",
    llm_configs: "'llm_configs' belongs under the application's 'args'",
    model_loading_config: "'model_loading_config' belongs to an entry of 'args.llm_configs'",
  },
  LlmConfig: {
    applications:
      "'applications' belongs to a Serve config file; an llm_configs entry names a file that holds one LLMConfig (model_loading_config, engine_kwargs, ...)",
    model_id: "'model_id' belongs under 'model_loading_config'",
    model_source: "'model_source' belongs under 'model_loading_config'",
    gguf_source: "'gguf_source' belongs under 'model_loading_config'",
    autoscaling_config: "'autoscaling_config' belongs under 'deployment_config'",
    num_replicas: "'num_replicas' belongs under 'deployment_config'",
    min_replicas: "'min_replicas' belongs under 'deployment_config.autoscaling_config'",
    max_replicas: "'max_replicas' belongs under 'deployment_config.autoscaling_config'",
    initial_replicas: "'initial_replicas' belongs under 'deployment_config.autoscaling_config'",
    max_ongoing_requests: "'max_ongoing_requests' belongs under 'deployment_config'",
    reasoning_parser: "'reasoning_parser' belongs under 'engine_kwargs'",
    tensor_parallel_size: "'tensor_parallel_size' belongs under 'engine_kwargs'",
    max_model_len: "'max_model_len' belongs under 'engine_kwargs'",
    env_vars: "'env_vars' belongs under 'runtime_env'",
  },
  DeploymentConfig: {
    min_replicas: "'min_replicas' belongs under 'autoscaling_config'",
    max_replicas: "'max_replicas' belongs under 'autoscaling_config'",
    initial_replicas: "'initial_replicas' belongs under 'autoscaling_config'",
    target_ongoing_requests: "'target_ongoing_requests' belongs under 'autoscaling_config'",
    placement_group_bundles:
      "'placement_group_bundles' cannot be set in deployment_config; use the llm_config's 'placement_group_config'",
    placement_group_strategy:
      "'placement_group_strategy' cannot be set in deployment_config; use the llm_config's 'placement_group_config'",
  },
  AutoscalingConfig: {
    max_ongoing_requests:
      "'max_ongoing_requests' belongs in 'deployment_config', not in 'autoscaling_config' (Ray silently ignores it here)",
    num_replicas: "'num_replicas' belongs in 'deployment_config' (and cannot be used together with autoscaling_config)",
    target_num_ongoing_requests_per_replica:
      "'target_num_ongoing_requests_per_replica' was renamed 'target_ongoing_requests'",
  },
  ModelLoadingConfig: {
    model: "unknown key 'model'; the served name is 'model_id' and the weights are 'model_source'",
  },
  RuntimeEnv: {
    env: "unknown key 'env', did you mean 'env_vars'?",
  },
};
