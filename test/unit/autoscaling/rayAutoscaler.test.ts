import { describe, expect, it } from "vitest";
import type { AutoscalingMetrics } from "../../../src/controller/autoscalingHook.js";
import { rayAutoscaler } from "../../../src/controller/autoscaling/rayAutoscaler.js";
import type { DeploymentSpec } from "../../../src/controller/controllerSpec.js";
import type { AutoscalingConfig } from "../../../src/config/generated/schemaTypes.js";
import { autoscalingPolicy } from "../../helpers/autoscalingPolicy.js";
import { deploymentSpec } from "../../helpers/deploymentSpec.js";

function spec(autoscaling: AutoscalingConfig | undefined): DeploymentSpec {
  return deploymentSpec({ autoscaling: autoscaling === undefined ? undefined : autoscalingPolicy(autoscaling) });
}

const config: AutoscalingConfig = {
  min_replicas: 0,
  max_replicas: 3,
  target_ongoing_requests: 2,
  upscale_delay_s: 1,
  downscale_delay_s: 2,
  downscale_to_zero_delay_s: 5,
  metrics_interval_s: 0.5,
  look_back_period_s: 1,
  aggregation_function: "mean",
};

/** Runs the autoscaler every 100 ms tick from `from` to `to` (ms) with fixed metrics; returns the decisions. */
function ticks(autoscaler: NonNullable<ReturnType<typeof rayAutoscaler>>, from: number, to: number, metrics: Omit<AutoscalingMetrics, "nowMs">) {
  const decisions: { at: number; target: number; reason: string | undefined }[] = [];
  let target = metrics.targetReplicas;
  for (let now = from; now <= to; now += 100) {
    const decision = autoscaler({ ...metrics, targetReplicas: target, nowMs: now });
    if (decision !== undefined) {
      decisions.push({ at: now, target: decision.targetReplicas, reason: decision.reason });
      target = decision.targetReplicas;
    }
  }
  return decisions;
}

describe("rayAutoscaler", () => {
  it("should not autoscale a deployment with a fixed num_replicas", () => {
    expect(rayAutoscaler(spec(undefined))).toBeUndefined();
  });

  it("should scale up once the load has held for upscale_delay_s, counting queued requests", () => {
    const autoscaler = rayAutoscaler(spec(config))!;
    // 2 in flight + 4 queued on 1 replica, target 2 per replica: 3 replicas wanted.
    const decisions = ticks(autoscaler, 0, 3000, { runningReplicas: 1, targetReplicas: 1, ongoingRequests: 2, queuedRequests: 4 });
    expect(decisions[0]).toMatchObject({ at: 1000, target: 3 });
    expect(decisions[0]!.reason).toMatch(/^Upscaling from 1 to 3 replicas \(6\.0 ongoing requests, target_ongoing_requests 2\)/);
  });

  it("should step down to 1 after downscale_delay_s and to 0 only after downscale_to_zero_delay_s", () => {
    const autoscaler = rayAutoscaler(spec(config))!;
    const down = ticks(autoscaler, 0, 3000, { runningReplicas: 3, targetReplicas: 3, ongoingRequests: 0, queuedRequests: 0 });
    expect(down).toEqual([{ at: 2000, target: 1, reason: expect.stringMatching(/^Downscaling from 3 to 1 replicas/) }]);
    // The 1 -> 0 proposal has held since the first tick after the target became 1 (2100 ms).
    const zero = ticks(autoscaler, 3100, 9000, { runningReplicas: 1, targetReplicas: 1, ongoingRequests: 0, queuedRequests: 0 });
    expect(zero).toEqual([{ at: 7100, target: 0, reason: expect.stringMatching(/^Downscaling from 1 to 0 replicas/) }]);
  });

  it("should start a replica at once for a request queued while scaled to zero (cold start)", () => {
    const autoscaler = rayAutoscaler(spec(config))!;
    expect(autoscaler({ nowMs: 0, runningReplicas: 0, targetReplicas: 0, ongoingRequests: 0, queuedRequests: 0 })).toBeUndefined();
    expect(autoscaler({ nowMs: 100, runningReplicas: 0, targetReplicas: 0, ongoingRequests: 0, queuedRequests: 1 }))
      .toMatchObject({ targetReplicas: 1, reason: expect.stringMatching(/^Upscaling from 0 to 1 replicas/) });
  });
});
