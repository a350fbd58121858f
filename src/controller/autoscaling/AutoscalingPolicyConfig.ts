/**
 * Ray Serve's `autoscaling_config` (python/ray/serve/config.py AutoscalingConfig), snake_case as in the YAML file,
 * with Ray's defaults filled. Structurally compatible with the schema-generated type the config module resolves.
 */
export type AutoscalingPolicyConfig = {
  /** Defaults to 1. 0 allows scale-to-zero. */
  readonly min_replicas: number;
  /** Defaults to 1. */
  readonly max_replicas: number;
  /** Replicas at deploy time. Defaults to `min_replicas`. */
  readonly initial_replicas?: number | undefined;
  /** Ongoing (running plus queued) requests per replica the policy aims for. Defaults to 2. */
  readonly target_ongoing_requests: number;
  /** How long an upscale proposal must hold before it is acted on. Defaults to 30. */
  readonly upscale_delay_s: number;
  /** How long a downscale proposal must hold. Defaults to 600. */
  readonly downscale_delay_s: number;
  /** The delay for the last step, 1 -> 0. Defaults to `downscale_delay_s`. */
  readonly downscale_to_zero_delay_s?: number | undefined;
  /** Gain on upscaling decisions. Defaults to `upscale_smoothing_factor`, else `smoothing_factor`. */
  readonly upscaling_factor?: number | undefined;
  /** Gain on downscaling decisions. Defaults to `downscale_smoothing_factor`, else `smoothing_factor`. */
  readonly downscaling_factor?: number | undefined;
  /** Deprecated by Ray in favour of the two factors above. Defaults to 1. */
  readonly smoothing_factor: number;
  readonly upscale_smoothing_factor?: number | undefined;
  readonly downscale_smoothing_factor?: number | undefined;
  /** The window ongoing-request samples are aggregated over. Defaults to 30. */
  readonly look_back_period_s: number;
  /** How often the controller samples each replica's ongoing requests. Defaults to 10. */
  readonly metrics_interval_s: number;
  /** How samples in the window are combined. Defaults to "mean". */
  readonly aggregation_function: "mean" | "max" | "min";
};

/** Ray's AutoscalingConfig defaults (not Ray Serve LLM's, whose target_ongoing_requests default is 1e9). */
export const RAY_AUTOSCALING_DEFAULTS = Object.freeze({
  min_replicas: 1,
  max_replicas: 1,
  target_ongoing_requests: 2,
  upscale_delay_s: 30,
  downscale_delay_s: 600,
  smoothing_factor: 1,
  look_back_period_s: 30,
  metrics_interval_s: 10,
  aggregation_function: "mean",
} as const satisfies Partial<AutoscalingPolicyConfig>);

/**
 * Fills Ray's defaults into an autoscaling_config as written and checks the relations Ray checks, with Ray's
 * messages ("max_replicas (1) must be greater than or equal to min_replicas (2)!"). Throws RangeError.
 */
export function autoscalingConfigWithDefaults(partial: Partial<AutoscalingPolicyConfig> = {}): AutoscalingPolicyConfig {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined));
  const config: AutoscalingPolicyConfig = { ...RAY_AUTOSCALING_DEFAULTS, ...defined };
  const { min_replicas: min, max_replicas: max, initial_replicas: initial } = config;
  if (max < min) throw new RangeError(`max_replicas (${max}) must be greater than or equal to min_replicas (${min})!`);
  if (initial !== undefined && initial < min) throw new RangeError(`min_replicas (${min}) must be less than or equal to initial_replicas (${initial})!`);
  if (initial !== undefined && initial > max) throw new RangeError(`max_replicas (${max}) must be greater than or equal to initial_replicas (${initial})!`);
  if (!(config.target_ongoing_requests > 0)) throw new RangeError(`target_ongoing_requests must be greater than 0 (got ${config.target_ongoing_requests})`);
  return Object.freeze(config);
}

export function upscalingFactor(config: AutoscalingPolicyConfig): number {
  return config.upscaling_factor ?? config.upscale_smoothing_factor ?? config.smoothing_factor;
}

export function downscalingFactor(config: AutoscalingPolicyConfig): number {
  return config.downscaling_factor ?? config.downscale_smoothing_factor ?? config.smoothing_factor;
}
