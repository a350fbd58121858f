import type { Autoscaler, AutoscalerFactory } from "../autoscalingHook.js";
import type { OngoingRequestsSample } from "./aggregateOngoingRequests.js";
import { decideAutoscaling, INITIAL_AUTOSCALING_STATE, type AutoscalingPolicyState } from "./decideAutoscaling.js";

/**
 * The controller's autoscaler for deployments with an autoscaling_config: Ray's default policy
 * (`decideAutoscaling`) fed with one sample of the deployment's total ongoing requests (in flight on its replicas
 * plus waiting in the controller's queue) every metrics_interval_s, aggregated over look_back_period_s.
 */
export const rayAutoscaler: AutoscalerFactory = (spec) => {
  if (spec.autoscaling === undefined) return undefined;
  const config = spec.autoscaling;
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
