import { aggregateOngoingRequests, type OngoingRequestsSample } from "./aggregateOngoingRequests.js";
import type { ResolvedAutoscalingConfig } from "../../config/ResolvedConfig.js";
import { calculateDesiredReplicas } from "./calculateDesiredReplicas.js";

export type AutoscalingInput = {
  readonly config: ResolvedAutoscalingConfig;
  readonly nowMs: number;
  /** Replicas that are ready and serving (not starting, not draining). */
  readonly runningReplicas: number;
  /** The target the controller is driving toward now; start with initial_replicas, else min_replicas. */
  readonly targetReplicas: number;
  /** Total ongoing requests over time (see `aggregateOngoingRequests`); older samples may be dropped by the caller. */
  readonly samples: readonly OngoingRequestsSample[];
  /** Requests waiting in the controller's queue now; with no replica running, any of them starts one. */
  readonly queuedRequests: number;
};

/** A change the policy wants but whose delay has not passed yet. */
export type AutoscalingProposal = { readonly direction: "up" | "down"; readonly sinceMs: number };

/** What one decision hands to the next: pass `decision.state` back in. */
export type AutoscalingPolicyState = { readonly proposal: AutoscalingProposal | undefined };

export const INITIAL_AUTOSCALING_STATE: AutoscalingPolicyState = Object.freeze({ proposal: undefined });

export type AutoscalingStatus = "UPSCALING" | "DOWNSCALING" | "STABLE";

export type AutoscalingDecision = {
  /** The new target: start or drain replicas until this many run. */
  readonly targetReplicas: number;
  /** Whether `targetReplicas` differs from the input's; log `message` when it does. */
  readonly changed: boolean;
  /** What the formula wants right now, before any delay. */
  readonly desiredReplicas: number;
  /** The aggregated total ongoing requests the decision used. */
  readonly totalOngoingRequests: number;
  /** UPSCALING / DOWNSCALING while running differs from the target, as in Ray's status. */
  readonly status: AutoscalingStatus;
  /** "Upscaling from 1 to 2 replicas." (Ray's wording); undefined when STABLE. */
  readonly message: string | undefined;
  /** A proposal still waiting for its delay, with how long it has held. */
  readonly waiting: { readonly direction: "up" | "down"; readonly heldS: number; readonly delayS: number } | undefined;
  readonly state: AutoscalingPolicyState;
};

/**
 * Ray's default policy (replica_queue_length_autoscaling_policy) as a pure step function, evaluated by the
 * controller on each tick:
 * - no replica running: any queued or ongoing request sets the target to max(ceil(upscaling_factor), target) at
 *   once (cold start), capped at max_replicas; otherwise the target stays.
 * - else `calculateDesiredReplicas` on the aggregated ongoing requests; a target above the current one is taken
 *   once the "up" proposal has held for upscale_delay_s, one below once "down" has held for downscale_delay_s
 *   (never below 1 that way) or, from 1 to 0, for downscale_to_zero_delay_s. A direction change or a tick where
 *   desired equals the target restarts the wait.
 */
export function decideAutoscaling(input: AutoscalingInput, state: AutoscalingPolicyState = INITIAL_AUTOSCALING_STATE): AutoscalingDecision {
  const { config, nowMs, runningReplicas, targetReplicas } = input;
  const total = aggregateOngoingRequests(input.samples, nowMs, config);

  if (runningReplicas === 0) {
    const demand = input.queuedRequests > 0 || total > 0;
    const target = demand ? Math.min(config.max_replicas, Math.max(Math.ceil(config.upscaling_factor), targetReplicas)) : targetReplicas;
    return decision(input, target, target, total, undefined, undefined);
  }

  const desired = calculateDesiredReplicas(config, total, runningReplicas);
  if (desired === targetReplicas) return decision(input, targetReplicas, desired, total, undefined, undefined);

  const direction = desired > targetReplicas ? "up" : "down";
  const proposal: AutoscalingProposal = state.proposal?.direction === direction ? state.proposal : { direction, sinceMs: nowMs };
  const heldS = (nowMs - proposal.sinceMs) / 1000;
  let delayS = config.upscale_delay_s;
  let next = desired;
  if (direction === "down") {
    const toZero = targetReplicas === 1;
    delayS = toZero ? (config.downscale_to_zero_delay_s ?? config.downscale_delay_s) : config.downscale_delay_s;
    if (!toZero) next = Math.max(1, desired);
  }
  if (heldS >= delayS) return decision(input, next, desired, total, undefined, undefined);
  return decision(input, targetReplicas, desired, total, proposal, { direction, heldS, delayS });
}

function decision(
  input: AutoscalingInput,
  target: number,
  desired: number,
  total: number,
  proposal: AutoscalingProposal | undefined,
  waiting: AutoscalingDecision["waiting"],
): AutoscalingDecision {
  const running = input.runningReplicas;
  const status: AutoscalingStatus = target > running ? "UPSCALING" : target < running ? "DOWNSCALING" : "STABLE";
  const verb = status === "UPSCALING" ? "Upscaling" : "Downscaling";
  return {
    targetReplicas: target,
    changed: target !== input.targetReplicas,
    desiredReplicas: desired,
    totalOngoingRequests: total,
    status,
    message: status === "STABLE" ? undefined : `${verb} from ${running} to ${target} replicas.`,
    waiting,
    state: { proposal },
  };
}
