import { describe, expect, it } from "vitest";
import type { OngoingRequestsSample } from "../../../src/controller/autoscaling/aggregateOngoingRequests.js";
import type { ResolvedAutoscalingConfig } from "../../../src/config/ResolvedConfig.js";
import { calculateDesiredReplicas } from "../../../src/controller/autoscaling/calculateDesiredReplicas.js";
import { autoscalingPolicy } from "../../helpers/autoscalingPolicy.js";
import { decideAutoscaling, type AutoscalingDecision, type AutoscalingPolicyState } from "../../../src/controller/autoscaling/decideAutoscaling.js";

/**
 * Drives the policy the way the controller does: one tick per second, one sample per tick, and replicas that
 * start (or stop) `startDelayS` after the target changes. `load(t)` is the total ongoing requests at second t.
 */
function simulate(config: ResolvedAutoscalingConfig, seconds: number, load: (t: number) => number, startDelayS = 0) {
  let target = config.initial_replicas ?? config.min_replicas;
  let running = target;
  let state: AutoscalingPolicyState | undefined;
  let changedAt = 0;
  const samples: OngoingRequestsSample[] = [];
  const timeline: { t: number; target: number; running: number; decision: AutoscalingDecision }[] = [];
  for (let t = 0; t <= seconds; t++) {
    if (running !== target && t - changedAt >= startDelayS) running = target;
    const ongoing = load(t);
    samples.push({ timeMs: t * 1000, ongoing });
    const decision = decideAutoscaling(
      { config, nowMs: t * 1000, runningReplicas: running, targetReplicas: target, samples, queuedRequests: running === 0 ? ongoing : 0 },
      state,
    );
    state = decision.state;
    if (decision.changed) changedAt = t;
    target = decision.targetReplicas;
    timeline.push({ t, target, running, decision });
  }
  return timeline;
}

/** The seconds at which the target changed, with the new target. */
function changes(timeline: ReturnType<typeof simulate>): [number, number][] {
  return timeline.filter((entry) => entry.decision.changed).map((entry) => [entry.t, entry.target]);
}

const FAST = { look_back_period_s: 1, metrics_interval_s: 1 } as const;

describe("decideAutoscaling", () => {
  it("should scale up to max_replicas only after upscale_delay_s, then back down to min after downscale_delay_s", () => {
    const config = autoscalingPolicy({ ...FAST, min_replicas: 1, max_replicas: 3, target_ongoing_requests: 1, upscale_delay_s: 5, downscale_delay_s: 10 });
    // 10 concurrent requests from t=10 to t=40, then idle.
    const timeline = simulate(config, 80, (t) => (t >= 10 && t < 40 ? 10 : 0));
    // Load appears at 10; the "up" proposal holds 5 s -> at 15 the target jumps to min(10, max) = 3.
    // Idle from 40; the "down" proposal holds 10 s -> at 50 back to 1.
    expect(changes(timeline)).toEqual([
      [15, 3],
      [50, 1],
    ]);
    expect(timeline[15]?.decision).toMatchObject({ status: "UPSCALING", message: "Upscaling from 1 to 3 replicas." });
    expect(timeline[50]?.decision).toMatchObject({ status: "DOWNSCALING", message: "Downscaling from 3 to 1 replicas." });
    expect(timeline[14]?.decision.waiting).toEqual({ direction: "up", heldS: 4, delayS: 5 });
    expect(timeline[30]?.decision).toMatchObject({ status: "STABLE", message: undefined, waiting: undefined });
  });

  it("should grow step by step as the running replicas absorb the load", () => {
    const config = autoscalingPolicy({ ...FAST, max_replicas: 4, target_ongoing_requests: 2, upscale_delay_s: 0 });
    // 5 ongoing on 1 replica: ceil(1 x 5/2) = 3 at once (no delay); then 5 on 3 stays 3.
    const timeline = simulate(config, 5, () => 5);
    expect(changes(timeline)).toEqual([[0, 3]]);
    expect(timeline[0]?.decision.message).toBe("Upscaling from 1 to 3 replicas.");
    expect(timeline[1]?.decision.status).toBe("STABLE");
  });

  it("should report UPSCALING while new replicas are still starting", () => {
    const config = autoscalingPolicy({ ...FAST, max_replicas: 2, target_ongoing_requests: 1, upscale_delay_s: 2 });
    const timeline = simulate(config, 10, () => 2, 3);
    expect(changes(timeline)).toEqual([[2, 2]]);
    expect(timeline.slice(2, 5).map((entry) => entry.decision.status)).toEqual(["UPSCALING", "UPSCALING", "UPSCALING"]);
    expect(timeline[5]?.decision.status).toBe("STABLE");
  });

  it("should restart the wait when the load dips before the delay has passed", () => {
    const config = autoscalingPolicy({ ...FAST, max_replicas: 2, target_ongoing_requests: 1, upscale_delay_s: 5 });
    // Bursts of 4 s with a 1 s gap never hold for 5 s.
    const bursty = simulate(config, 30, (t) => (t % 5 === 4 ? 1 : 3));
    expect(changes(bursty)).toEqual([]);
    expect(bursty[3]?.decision.waiting).toEqual({ direction: "up", heldS: 3, delayS: 5 });
    expect(bursty[4]?.decision.waiting).toBeUndefined();
  });

  it("should scale to zero after downscale_to_zero_delay_s and come back at once for a queued request", () => {
    const config = autoscalingPolicy({
      ...FAST,
      min_replicas: 0,
      max_replicas: 2,
      initial_replicas: 1,
      target_ongoing_requests: 1,
      downscale_delay_s: 5,
      downscale_to_zero_delay_s: 20,
    });
    // One request at t=0..2, then nothing until a request at t=40.
    const timeline = simulate(config, 45, (t) => (t <= 2 || t >= 40 ? 1 : 0));
    expect(changes(timeline)).toEqual([
      [23, 0],
      [40, 1],
    ]);
    expect(timeline[22]?.decision.waiting).toEqual({ direction: "down", heldS: 19, delayS: 20 });
    expect(timeline[23]?.decision.message).toBe("Downscaling from 1 to 0 replicas.");
    expect(timeline[30]).toMatchObject({ running: 0, target: 0 });
    expect(timeline[30]?.decision.status).toBe("STABLE");
    expect(timeline[40]?.decision).toMatchObject({ status: "UPSCALING", message: "Upscaling from 0 to 1 replicas." });
  });

  it("should step 2 -> 1 after downscale_delay_s and only then 1 -> 0 after downscale_to_zero_delay_s", () => {
    const config = autoscalingPolicy({
      ...FAST,
      min_replicas: 0,
      max_replicas: 2,
      initial_replicas: 2,
      target_ongoing_requests: 1,
      downscale_delay_s: 5,
      downscale_to_zero_delay_s: 10,
    });
    expect(changes(simulate(config, 30, () => 0))).toEqual([
      [5, 1],
      [16, 0],
    ]);
  });

  it("should use downscale_delay_s for the last step when downscale_to_zero_delay_s is unset", () => {
    const config = autoscalingPolicy({ ...FAST, min_replicas: 0, max_replicas: 1, initial_replicas: 1, downscale_delay_s: 3 });
    expect(changes(simulate(config, 10, () => 0))).toEqual([[3, 0]]);
  });

  it("should start ceil(upscaling_factor) replicas from zero, within max_replicas, and keep zero without requests", () => {
    const base = { ...FAST, min_replicas: 0, max_replicas: 3 };
    const start = (config: ResolvedAutoscalingConfig, queued: number) =>
      decideAutoscaling({ config, nowMs: 0, runningReplicas: 0, targetReplicas: 0, samples: [], queuedRequests: queued });
    expect(start(autoscalingPolicy(base), 1).targetReplicas).toBe(1);
    expect(start(autoscalingPolicy({ ...base, upscaling_factor: 2 }), 1).targetReplicas).toBe(2);
    expect(start(autoscalingPolicy({ ...base, upscaling_factor: 9 }), 1).targetReplicas).toBe(3);
    expect(start(autoscalingPolicy(base), 0)).toMatchObject({ targetReplicas: 0, changed: false, status: "STABLE" });
  });

  it("should keep a target while its replicas are still starting from zero", () => {
    const config = autoscalingPolicy({ ...FAST, min_replicas: 0, max_replicas: 3 });
    const decision = decideAutoscaling({ config, nowMs: 0, runningReplicas: 0, targetReplicas: 2, samples: [], queuedRequests: 5 });
    expect(decision).toMatchObject({ targetReplicas: 2, changed: false, status: "UPSCALING", message: "Upscaling from 0 to 2 replicas." });
  });

  it("should average over look_back_period_s, so a one-second spike does not scale up", () => {
    const config = autoscalingPolicy({ look_back_period_s: 10, max_replicas: 5, target_ongoing_requests: 2, upscale_delay_s: 0 });
    // Idle with one spike of 10 at t=20: mean over 10 samples = 1 -> below target.
    expect(changes(simulate(config, 30, (t) => (t === 20 ? 10 : 0)))).toEqual([]);
    // Sustained 10 from t=20: the 10 s mean is 1, 2, 3 at t=20, 21, 22; it passes the target (2) at 22.
    expect(changes(simulate(config, 30, (t) => (t >= 20 ? 10 : 0)))[0]).toEqual([22, 2]);
  });

  it("should not let float noise add a replica", () => {
    const config = autoscalingPolicy({ max_replicas: 10, target_ongoing_requests: 1 });
    expect(calculateDesiredReplicas(config, 7, 3)).toBe(7);
  });
});
