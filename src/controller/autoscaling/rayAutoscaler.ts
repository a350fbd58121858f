import type { Autoscaler, AutoscalerFactory } from "../autoscalingHook.js";
import type { OngoingRequestsSample } from "./aggregateOngoingRequests.js";
import { autoscalingConfigWithDefaults, type AutoscalingPolicyConfig } from "./AutoscalingPolicyConfig.js";
import { decideAutoscaling, INITIAL_AUTOSCALING_STATE, type AutoscalingPolicyState } from "./decideAutoscaling.js";

const NUMBER_KEYS = [
  "min_replicas",
  "max_replicas",
  "initial_replicas",
  "target_ongoing_requests",
  "upscale_delay_s",
  "downscale_delay_s",
  "downscale_to_zero_delay_s",
  "upscaling_factor",
  "downscaling_factor",
  "smoothing_factor",
  "upscale_smoothing_factor",
  "downscale_smoothing_factor",
  "look_back_period_s",
  "metrics_interval_s",
] as const;

/**
 * The controller's autoscaler for deployments with an autoscaling_config: Ray's default policy
 * (`decideAutoscaling`) fed with one sample of the deployment's total ongoing requests (in flight on its replicas
 * plus waiting in the controller's queue) every metrics_interval_s, aggregated over look_back_period_s.
 */
export const rayAutoscaler: AutoscalerFactory = (spec) => {
  if (spec.autoscaling === undefined) return undefined;
  const config = policyConfig(spec.autoscaling);
  const windowMs = (config.look_back_period_s + config.metrics_interval_s) * 1000;
  let state: AutoscalingPolicyState = INITIAL_AUTOSCALING_STATE;
  let samples: OngoingRequestsSample[] = [];
  let lastSampleMs = Number.NEGATIVE_INFINITY;

  const autoscaler: Autoscaler = (metrics) => {
    const { nowMs } = metrics;
    if (nowMs - lastSampleMs >= config.metrics_interval_s * 1000) {
      lastSampleMs = nowMs;
      samples = [...samples.filter((sample) => sample.timeMs > nowMs - windowMs), {
        timeMs: nowMs,
        ongoing: metrics.ongoingRequests + metrics.queuedRequests,
      }];
    }
    const decision = decideAutoscaling(
      {
        config,
        nowMs,
        runningReplicas: metrics.runningReplicas,
        targetReplicas: metrics.targetReplicas,
        samples,
        queuedRequests: metrics.queuedRequests,
      },
      state,
    );
    state = decision.state;
    if (!decision.changed) return undefined;
    const up = decision.targetReplicas > metrics.targetReplicas;
    return {
      targetReplicas: decision.targetReplicas,
      reason: `${up ? "Upscaling" : "Downscaling"} from ${metrics.targetReplicas} to ${decision.targetReplicas} replicas ` +
        `(${decision.totalOngoingRequests.toFixed(1)} ongoing requests, target_ongoing_requests ${config.target_ongoing_requests}).`,
    };
  };
  return autoscaler;
};

function policyConfig(written: Readonly<Record<string, unknown>>): AutoscalingPolicyConfig {
  const partial: Record<string, unknown> = {};
  for (const key of NUMBER_KEYS) {
    const value = written[key];
    if (typeof value === "number" && Number.isFinite(value)) partial[key] = value;
  }
  const aggregation = written["aggregation_function"];
  if (aggregation === "mean" || aggregation === "max" || aggregation === "min") partial["aggregation_function"] = aggregation;
  return autoscalingConfigWithDefaults(partial as Partial<AutoscalingPolicyConfig>);
}
