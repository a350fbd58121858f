import type { DeploymentStatusTrigger, ReplicaLifecycle } from "../../protocol/ControllerState.js";
import type { DeploymentSpec } from "../controllerSpec.js";
import { STARTUP_FAILURE_LIMIT } from "../timeouts.js";

/** The replicas of one deployment version. */
export interface Generation {
  spec: DeploymentSpec;
  replicaIds: readonly string[];
}

/** Everything the deployment decides on; changed only by `decideDeployment`. */
export interface DeploymentState {
  /** `app/model`, the prefix of every log line. */
  readonly key: string;
  /** The version that serves (or, before the first deploy completes, is being deployed). */
  serving: Generation;
  /** A new version starting beside the serving one; it replaces it once `target` of its replicas are ready. */
  rollout: Generation | undefined;
  /** Replicas draining or stopping: no new requests; they leave the generations once stopped. */
  retiring: readonly string[];
  /** The first deploy completed (target replicas ready once). */
  deployed: boolean;
  deleting: boolean;
  /** Why the deployment is DEPLOY_FAILED. */
  failure: string | undefined;
  /** The replica count it converges to. */
  target: number;
  /** A scale-up or -down under way, for UPSCALING/DOWNSCALING. */
  scaling: { from: number; to: number } | undefined;
  lastTrigger: DeploymentStatusTrigger;
  /** Replicas created so far: ids are r1, r2, ... */
  created: number;
}

/** What the deployment sees of one of its replicas (read from its supervisor at each event). */
export interface ReplicaView {
  lifecycle: ReplicaLifecycle;
  consecutiveFailures: number;
  everReady: boolean;
  /** Set while pending: placement's sentence. */
  pendingReason: string | undefined;
  /** Pending, and placement said it can never fit here. */
  unplaceable: boolean;
  ongoingRequests: number;
  startedAtMs: number;
  lastError: string | undefined;
}

/** How a replica whose supervisor does not exist yet looks: not started. */
export const NOT_STARTED_REPLICA: ReplicaView = {
  lifecycle: "pending",
  consecutiveFailures: 0,
  everReady: false,
  pendingReason: undefined,
  unplaceable: false,
  ongoingRequests: 0,
  startedAtMs: 0,
  lastError: undefined,
};

export type ObservedReplicas = ReadonlyMap<string, ReplicaView>;

export type DeploymentInput =
  | { type: "start" }
  /** A new spec for this deployment from an apply. */
  | { type: "update"; spec: DeploymentSpec }
  | { type: "setTarget"; target: number; reason?: string }
  /** Some replica changed (lifecycle, failures, placement): check rollout, first deploy and scaling. */
  | { type: "evaluate" }
  /** A retired replica is stopped and its GPUs released. */
  | { type: "retired"; id: string }
  | { type: "delete" };

export type DeploymentEffect =
  /** Create and start a replica slot of the given version. */
  | { type: "startReplica"; id: string; version: string }
  /**
   * Stop a replica: with `drainMs`, after its in-flight requests finish (at most that long); without, at once
   * (also cutting short a drain under way). Answered with `retired`.
   */
  | { type: "retireReplica"; id: string; drainMs: number | undefined }
  | { type: "resetAutoscaler"; spec: DeploymentSpec }
  /** Fail every request waiting in the queue. */
  | { type: "rejectQueued"; message: string }
  | { type: "log"; message: string }
  /** Something status shows changed: wake the queue, re-evaluate, tell the controller. */
  | { type: "changed" };

export type DeploymentPhase = "deploying" | "running" | "failed" | "deleting";

export function initialDeploymentState(spec: DeploymentSpec): DeploymentState {
  return {
    key: `${spec.appName}/${spec.modelId}`,
    serving: { spec, replicaIds: [] },
    rollout: undefined,
    retiring: [],
    deployed: false,
    deleting: false,
    failure: undefined,
    target: spec.initialReplicas,
    scaling: undefined,
    lastTrigger: "CONFIG_UPDATE_STARTED",
    created: 0,
  };
}

export function deploymentPhase(state: DeploymentState): DeploymentPhase {
  if (state.deleting) return "deleting";
  if (state.failure !== undefined) return "failed";
  return state.rollout !== undefined || !state.deployed ? "deploying" : "running";
}

/** The newest spec: the rollout's while one is under way. */
export function currentSpec(state: DeploymentState): DeploymentSpec {
  return state.rollout?.spec ?? state.serving.spec;
}

/** The newest spec of `version` (a re-run may have moved the file), undefined when neither generation runs it. */
export function specOfVersion(state: DeploymentState, version: string): DeploymentSpec | undefined {
  if (state.serving.spec.version === version) return state.serving.spec;
  return state.rollout?.spec.version === version ? state.rollout.spec : undefined;
}

/** Every replica the deployment still has: serving, rollout, then retiring ones, each once. */
export function allReplicaIds(state: DeploymentState): string[] {
  return [...new Set([...state.serving.replicaIds, ...(state.rollout?.replicaIds ?? []), ...state.retiring])];
}

/** Replicas that take new requests: the serving version's ready ones, else the rollout's (nothing else serves). */
export function routableReplicaIds(state: DeploymentState, isReady: (id: string) => boolean): string[] {
  const serving = state.serving.replicaIds.filter((id) => isReady(id) && !state.retiring.includes(id));
  if (serving.length > 0) return serving;
  return (state.rollout?.replicaIds ?? []).filter(isReady);
}

/** Whether the autoscaler is asked this tick: only a deployed deployment with no rollout under way. */
export function canAutoscale(state: DeploymentState): boolean {
  return !state.deleting && state.deployed && state.rollout === undefined;
}

/**
 * Whether a replica stops being restarted: only while its version is starting up (first deploy or rollout), after
 * STARTUP_FAILURE_LIMIT failures without ever being ready. A replica that served once is restarted for ever.
 */
export function replicaGivesUp(state: DeploymentState, id: string, failures: number, everReady: boolean): boolean {
  const startingUp = (state.rollout?.replicaIds.includes(id) ?? false) || !state.deployed;
  return startingUp && !everReady && failures >= STARTUP_FAILURE_LIMIT;
}
