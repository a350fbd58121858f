import type { ResolvedAutoscalingConfig } from "../../config/ResolvedConfig.js";

const CEIL_EPSILON = 1e-9;

/**
 * Ray's `_calculate_desired_num_replicas`: with `error_ratio = ongoing / (target_ongoing_requests x running)`,
 * `desired = ceil(running x (1 + (error_ratio - 1) x factor))` (upscaling_factor when error_ratio >= 1, else
 * downscaling_factor); if the factor kept it at `running` although `ceil(running x error_ratio) < running`, one
 * fewer; clamped to [min_replicas, max_replicas]. `running` must be at least 1.
 * Unlike Ray, a product within 1e-9 above a whole number is not rounded up.
 */
export function calculateDesiredReplicas(config: ResolvedAutoscalingConfig, totalOngoingRequests: number, runningReplicas: number): number {
  if (runningReplicas < 1) throw new RangeError("calculateDesiredReplicas needs at least one running replica");
  const errorRatio = totalOngoingRequests / (config.target_ongoing_requests * runningReplicas);
  const factor = errorRatio >= 1 ? config.upscaling_factor : config.downscaling_factor;
  // The epsilon keeps float noise (3 x 2.3333333333333335 = 7.000000000000001) from adding a replica Ray would add.
  let desired = Math.ceil(runningReplicas * (1 + (errorRatio - 1) * factor) - CEIL_EPSILON);
  if (Math.ceil(runningReplicas * errorRatio) < runningReplicas && desired === runningReplicas) desired -= 1;
  return Math.max(config.min_replicas, Math.min(config.max_replicas, desired));
}
