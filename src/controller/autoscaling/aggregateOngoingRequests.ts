import type { ResolvedAutoscalingConfig } from "../../config/ResolvedConfig.js";

/** Total ongoing requests (running in replicas plus waiting in the controller's queue) at one moment. */
export type OngoingRequestsSample = { readonly timeMs: number; readonly ongoing: number };

/**
 * Combines the samples of the last `look_back_period_s` with `aggregation_function` (Ray averages over the same
 * window). With no sample in the window the newest older one stands; with none at all, 0.
 */
export function aggregateOngoingRequests(
  samples: readonly OngoingRequestsSample[],
  nowMs: number,
  config: Pick<ResolvedAutoscalingConfig, "look_back_period_s" | "aggregation_function">,
): number {
  const since = nowMs - config.look_back_period_s * 1000;
  const inWindow = samples.filter((sample) => sample.timeMs > since && sample.timeMs <= nowMs).map((sample) => sample.ongoing);
  if (inWindow.length === 0) {
    const older = samples.filter((sample) => sample.timeMs <= nowMs).sort((a, b) => b.timeMs - a.timeMs)[0];
    return older?.ongoing ?? 0;
  }
  if (config.aggregation_function === "max") return Math.max(...inWindow);
  if (config.aggregation_function === "min") return Math.min(...inWindow);
  return inWindow.reduce((sum, value) => sum + value, 0) / inWindow.length;
}
