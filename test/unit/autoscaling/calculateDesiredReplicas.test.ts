import { describe, expect, it } from "vitest";
import { aggregateOngoingRequests } from "../../../src/controller/autoscaling/aggregateOngoingRequests.js";
import { calculateDesiredReplicas } from "../../../src/controller/autoscaling/calculateDesiredReplicas.js";
import { resolveAutoscaling } from "../../../src/config/resolveConfig.js";
import { autoscalingPolicy } from "../../helpers/autoscalingPolicy.js";

describe("resolveAutoscaling", () => {
  it("should fill Ray's defaults from the schema, with or without an autoscaling_config", () => {
    const defaults = {
      min_replicas: 1,
      max_replicas: 1,
      initial_replicas: 1,
      target_ongoing_requests: 2,
      upscale_delay_s: 30,
      downscale_delay_s: 600,
      downscale_to_zero_delay_s: 600,
      upscaling_factor: 1,
      downscaling_factor: 1,
      look_back_period_s: 30,
      metrics_interval_s: 10,
      aggregation_function: "mean",
    };
    expect(resolveAutoscaling({})).toEqual(defaults);
    expect(autoscalingPolicy({})).toEqual(defaults);
    expect(autoscalingPolicy({ max_replicas: 4, initial_replicas: null, target_ongoing_requests: null })).toEqual({ ...defaults, max_replicas: 4 });
    expect(resolveAutoscaling({ num_replicas: "auto" })).toEqual({ ...defaults, max_replicas: 100 });
    expect(resolveAutoscaling({ num_replicas: 3 })).toBeUndefined();
  });

  it("should derive the factors and the scale-to-zero delay from what is written", () => {
    expect(autoscalingPolicy({ smoothing_factor: 0.5, downscale_delay_s: 60 })).toMatchObject({
      upscaling_factor: 0.5,
      downscaling_factor: 0.5,
      downscale_to_zero_delay_s: 60,
    });
    expect(autoscalingPolicy({ smoothing_factor: 0.5, upscale_smoothing_factor: 2, downscaling_factor: 0.1, downscale_to_zero_delay_s: 5 }))
      .toMatchObject({ upscaling_factor: 2, downscaling_factor: 0.1, downscale_to_zero_delay_s: 5 });
  });

  it("should start with initial_replicas, else min_replicas", () => {
    expect(resolveAutoscaling({ autoscaling_config: { min_replicas: 0, max_replicas: 3 } })?.initial_replicas).toBe(0);
    expect(resolveAutoscaling({ autoscaling_config: { min_replicas: 0, max_replicas: 3, initial_replicas: 2 } })?.initial_replicas).toBe(2);
  });
});

describe("calculateDesiredReplicas", () => {
  const config = autoscalingPolicy({ min_replicas: 1, max_replicas: 10, target_ongoing_requests: 2 });

  it.each([
    // [ongoing, running, desired]
    [2, 1, 1],
    [4, 1, 2],
    [5, 1, 3],
    [20, 2, 10],
    [200, 2, 10],
    [3, 2, 2],
    [2, 2, 1],
    [0, 4, 1],
    [7, 3, 4],
  ])("should want %s ongoing on %s running -> %s replicas", (ongoing, running, desired) => {
    expect(calculateDesiredReplicas(config, ongoing, running)).toBe(desired);
  });

  it("should apply upscaling_factor and downscaling_factor as gains", () => {
    const slow = autoscalingPolicy({ max_replicas: 100, target_ongoing_requests: 1, upscaling_factor: 0.5, downscaling_factor: 0.5 });
    // ratio 3: 2 x (1 + 2 x 0.5) = 4 instead of 6
    expect(calculateDesiredReplicas(slow, 6, 2)).toBe(4);
    // ratio 0.25: 8 x (1 - 0.75 x 0.5) = 5 instead of 2
    expect(calculateDesiredReplicas(slow, 2, 8)).toBe(5);
    const fast = autoscalingPolicy({ max_replicas: 100, target_ongoing_requests: 1, upscaling_factor: 2 });
    expect(calculateDesiredReplicas(fast, 2, 1)).toBe(3);
  });

  it("should step down by one when a small factor would leave it stuck", () => {
    const sticky = autoscalingPolicy({ max_replicas: 10, target_ongoing_requests: 2, downscaling_factor: 0.01 });
    // ratio 0.5 on 4 replicas: 4 x (1 - 0.5 x 0.01) = 3.98 -> ceil 4, but ceil(4 x 0.5) = 2 < 4, so 3.
    expect(calculateDesiredReplicas(sticky, 4, 4)).toBe(3);
  });

  it("should clamp to min_replicas and fall back to the deprecated smoothing_factor", () => {
    expect(calculateDesiredReplicas(autoscalingPolicy({ min_replicas: 2, max_replicas: 5 }), 0, 3)).toBe(2);
    const smoothed = autoscalingPolicy({ max_replicas: 100, target_ongoing_requests: 1, smoothing_factor: 0.5 });
    expect(calculateDesiredReplicas(smoothed, 6, 2)).toBe(4);
  });

  it("should need a running replica", () => {
    expect(() => calculateDesiredReplicas(config, 1, 0)).toThrow(RangeError);
  });
});

describe("aggregateOngoingRequests", () => {
  const samples = [
    { timeMs: 0, ongoing: 10 },
    { timeMs: 20_000, ongoing: 2 },
    { timeMs: 25_000, ongoing: 4 },
    { timeMs: 30_000, ongoing: 6 },
  ];

  it("should average the samples inside look_back_period_s", () => {
    expect(aggregateOngoingRequests(samples, 30_000, { look_back_period_s: 15, aggregation_function: "mean" })).toBe(4);
    expect(aggregateOngoingRequests(samples, 30_000, { look_back_period_s: 60, aggregation_function: "mean" })).toBe(5.5);
  });

  it("should take max or min when asked", () => {
    expect(aggregateOngoingRequests(samples, 30_000, { look_back_period_s: 15, aggregation_function: "max" })).toBe(6);
    expect(aggregateOngoingRequests(samples, 30_000, { look_back_period_s: 15, aggregation_function: "min" })).toBe(2);
  });

  it("should keep the newest sample when none is recent, and 0 without samples", () => {
    expect(aggregateOngoingRequests(samples, 100_000, { look_back_period_s: 10, aggregation_function: "mean" })).toBe(6);
    expect(aggregateOngoingRequests([], 100_000, { look_back_period_s: 10, aggregation_function: "mean" })).toBe(0);
  });
});
