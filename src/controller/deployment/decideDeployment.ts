import { chooseReplicaToDrain } from "../autoscaling/chooseReplicaToDrain.js";
import type { DeploymentSpec } from "../controllerSpec.js";
import type { Transition } from "../runMachine.js";
import { STARTUP_FAILURE_LIMIT } from "../timeouts.js";
import {
  allReplicaIds,
  type DeploymentEffect,
  type DeploymentInput,
  type DeploymentState,
  type Generation,
  type ObservedReplicas,
  NOT_STARTED_REPLICA,
  type ReplicaView,
} from "./DeploymentState.js";

/**
 * The next state of a deployment and what to do about it. A draft: a shallow copy of the state whose fields are
 * replaced (never mutated in place) while one input is decided, plus the effects collected on the way.
 */
interface Draft {
  s: DeploymentState;
  effects: DeploymentEffect[];
  observed: ObservedReplicas;
}

/**
 * One deployment (one llm_config), (state, input, what its replicas look like) → (state, effects):
 * - start: `target` replicas of the serving version; the deployment is deployed once all are ready, and
 *   DEPLOY_FAILED (replicas stopped) when one cannot be placed or fails STARTUP_FAILURE_LIMIT times.
 * - update, same version: the new spec replaces the old in place (rescaling when num_replicas changed).
 * - update, new version: before the first deploy completes, the new version replaces the old outright; after, a
 *   rollout starts `target` new replicas beside the old, which keep serving until the new are all ready and then
 *   drain. A rollout that fails or cannot be placed is abandoned (DEPLOY_FAILED, old version keeps serving); one
 *   that waits for GPUs the old version holds stops one old replica first.
 * - setTarget: new replicas start, or the cheapest ones to lose drain (chooseReplicaToDrain), and status shows
 *   UPSCALING/DOWNSCALING until the count is reached.
 * - delete: the queue is failed, every replica drains and stops.
 */
export function decideDeployment(
  state: DeploymentState,
  input: DeploymentInput,
  observed: ObservedReplicas,
): Transition<DeploymentState, DeploymentEffect> {
  const d: Draft = { s: { ...state }, effects: [], observed };
  switch (input.type) {
    case "start":
      reconcileCount(d);
      // With zero replicas wanted (min_replicas 0) nothing else would tell evaluate that it is deployed.
      d.effects.push(changed);
      break;
    case "update":
      update(d, input.spec);
      break;
    case "setTarget":
      setTarget(d, input.target, input.reason);
      break;
    case "evaluate":
      evaluate(d);
      break;
    case "retired": {
      const without = (ids: readonly string[]): string[] => ids.filter((id) => id !== input.id);
      d.s.retiring = without(d.s.retiring);
      d.s.serving = { ...d.s.serving, replicaIds: without(d.s.serving.replicaIds) };
      if (d.s.rollout !== undefined) d.s.rollout = { ...d.s.rollout, replicaIds: without(d.s.rollout.replicaIds) };
      d.effects.push(changed);
      break;
    }
    case "delete":
      if (d.s.deleting) break;
      d.s.deleting = true;
      d.effects.push({ type: "rejectQueued", message: `the deployment ${d.s.key} is being deleted` }, changed);
      for (const id of allReplicaIds(d.s)) retire(d, id, true);
      break;
  }
  return { state: d.s, effects: d.effects };
}

/** What an update with `spec` does: "unchanged", "rescaled" (num_replicas changed) or "redeploying" (new replicas). */
export function classifyUpdate(state: DeploymentState, spec: DeploymentSpec): "unchanged" | "rescaled" | "redeploying" {
  if (!updatesInPlace(state, spec)) return "redeploying";
  return spec.autoscaling === undefined && spec.initialReplicas !== state.target ? "rescaled" : "unchanged";
}

/** Same version as the serving one, and not a failed first deploy (that one is retried with new replicas). */
function updatesInPlace(state: DeploymentState, spec: DeploymentSpec): boolean {
  return spec.version === state.serving.spec.version && (state.deployed || state.failure === undefined);
}

function update(d: Draft, spec: DeploymentSpec): void {
  if (updatesInPlace(d.s, spec)) {
    const doomed = d.s.rollout?.replicaIds ?? [];
    d.s.rollout = undefined;
    for (const id of doomed) retire(d, id, false);
    const wasFailed = d.s.failure !== undefined && d.s.deployed;
    d.s.failure = undefined;
    d.s.serving = { ...d.s.serving, spec };
    d.effects.push({ type: "resetAutoscaler", spec });
    if (classifyUpdate(d.s, spec) === "rescaled") {
      setTarget(d, spec.initialReplicas, `num_replicas changed: scaling from ${d.s.target} to ${spec.initialReplicas} replicas`);
    } else if (wasFailed) {
      d.effects.push(changed);
    }
    return;
  }
  if (d.s.rollout !== undefined && d.s.rollout.spec.version === spec.version) {
    d.s.rollout = { ...d.s.rollout, spec };
    return;
  }
  d.s.target = spec.initialReplicas;
  d.s.scaling = undefined;
  d.s.failure = undefined;
  d.s.lastTrigger = "CONFIG_UPDATE_STARTED";
  d.effects.push({ type: "resetAutoscaler", spec });
  if (!d.s.deployed) {
    // Nothing serves yet: replace outright.
    const doomed = d.s.serving.replicaIds;
    d.s.serving = { spec, replicaIds: [] };
    for (const id of doomed) retire(d, id, false);
    reconcileCount(d);
  } else {
    for (const id of d.s.rollout?.replicaIds ?? []) retire(d, id, false);
    d.s.rollout = { spec, replicaIds: [] };
    for (let i = 0; i < d.s.target; i++) newReplica(d, "rollout");
  }
  d.effects.push(changed);
}

function setTarget(d: Draft, target: number, reason: string | undefined): void {
  if (target === d.s.target || d.s.deleting) return;
  log(d, reason ?? `scaling from ${d.s.target} to ${target} replicas`);
  if (d.s.deployed) d.s.scaling = { from: d.s.target, to: target };
  d.s.target = target;
  reconcileCount(d);
  d.effects.push(changed);
}

/** Brings the serving generation to `target` replicas (when no rollout is under way). */
function reconcileCount(d: Draft): void {
  if (d.s.deleting || d.s.failure !== undefined || d.s.rollout !== undefined) return;
  const active = activeServing(d.s);
  for (let i = active.length; i < d.s.target; i++) newReplica(d, "serving");
  const candidates = [...active];
  for (let extra = active.length - d.s.target; extra > 0; extra--) {
    const victim = pickToDrain(candidates, d.observed);
    if (victim === undefined) break;
    candidates.splice(candidates.indexOf(victim), 1);
    retire(d, victim, true);
  }
}

/** Reacts to replica changes: first deploy done or failed, rollout done or failed, scaling done. */
function evaluate(d: Draft): void {
  if (d.s.deleting) return;
  if (d.s.rollout !== undefined) return evaluateRollout(d, d.s.rollout);
  if (d.s.failure !== undefined) return;
  if (!d.s.deployed) return evaluateFirstDeploy(d);
  const scaling = d.s.scaling;
  if (scaling === undefined) return;
  const ready = activeServing(d.s).filter((id) => view(d, id).lifecycle === "ready").length;
  if (ready === scaling.to && d.s.serving.replicaIds.length === scaling.to) {
    d.s.lastTrigger = scaling.to > scaling.from ? "UPSCALE_COMPLETED" : "DOWNSCALE_COMPLETED";
    d.s.scaling = undefined;
    d.effects.push(changed);
  }
}

function evaluateRollout(d: Draft, rollout: Generation): void {
  const unplaceable = rollout.replicaIds.find((id) => view(d, id).unplaceable);
  if (unplaceable !== undefined) {
    return abandonRollout(d, `the new version cannot be placed: ${view(d, unplaceable).pendingReason ?? "unknown"}`);
  }
  // GPUs held by the old version (one GPU, exclusive use): free them one old replica at a time.
  const waiting = rollout.replicaIds.some((id) => view(d, id).pendingReason !== undefined);
  const old = activeServing(d.s);
  const noneRetiring = d.s.serving.replicaIds.every((id) => !d.s.retiring.includes(id));
  if (waiting && old.length > 0 && noneRetiring) {
    const victim = pickToDrain(old, d.observed);
    if (victim !== undefined) {
      log(d, `the new version waits for GPUs; stopping old replica ${victim} first`);
      retire(d, victim, true);
    }
  }
  const failed = rollout.replicaIds.find((id) => view(d, id).lifecycle === "failed");
  if (failed !== undefined) {
    return abandonRollout(d, `the new version failed to start (replica ${failed}: ${view(d, failed).lastError ?? "unknown"})`);
  }
  if (rollout.replicaIds.filter((id) => view(d, id).lifecycle === "ready").length >= d.s.target) {
    const old = d.s.serving.replicaIds;
    d.s.serving = rollout;
    d.s.rollout = undefined;
    d.s.lastTrigger = "CONFIG_UPDATE_COMPLETED";
    log(d, `new version ${rollout.spec.version} is ready; stopping ${old.length} old replica(s)`);
    for (const id of old) retire(d, id, true);
    reconcileCount(d);
    d.effects.push(changed);
  }
}

/** Gives up a redeploy: its replicas stop at once, the serving generation stays. */
function abandonRollout(d: Draft, why: string): void {
  d.s.failure = `${why}; the previous version keeps serving`;
  d.s.lastTrigger = "REPLICA_STARTUP_FAILED";
  log(d, d.s.failure);
  const doomed = d.s.rollout?.replicaIds ?? [];
  d.s.rollout = undefined;
  for (const id of doomed) retire(d, id, false);
}

function evaluateFirstDeploy(d: Draft): void {
  const replicas = d.s.serving.replicaIds;
  const unplaceable = replicas.find((id) => view(d, id).unplaceable);
  const failed = replicas.find((id) => view(d, id).lifecycle === "failed");
  if (unplaceable !== undefined) {
    // Exactly placement's sentence: `run` prints it ("needs 8 x A100-40G, this machine has 1 x NVIDIA H200").
    d.s.failure = view(d, unplaceable).pendingReason ?? "the replica cannot be placed on this machine";
    log(d, `replica ${unplaceable} cannot be placed: ${d.s.failure}`);
  } else if (failed !== undefined) {
    d.s.failure = `replica ${failed} failed to start ${STARTUP_FAILURE_LIMIT} times in a row: ${view(d, failed).lastError ?? "unknown"}`;
    log(d, d.s.failure);
  }
  if (d.s.failure !== undefined) {
    d.s.lastTrigger = "REPLICA_STARTUP_FAILED";
    for (const id of replicas) retire(d, id, false);
    return;
  }
  if (replicas.filter((id) => view(d, id).lifecycle === "ready").length >= d.s.target) {
    d.s.deployed = true;
    d.s.lastTrigger = "CONFIG_UPDATE_COMPLETED";
    log(d, `deployed (${d.s.target} replica(s) ready)`);
    d.effects.push(changed);
  }
}

function newReplica(d: Draft, generation: "serving" | "rollout"): void {
  d.s.created++;
  const id = `r${d.s.created}`;
  const target = generation === "serving" ? d.s.serving : d.s.rollout!;
  const next = { ...target, replicaIds: [...target.replicaIds, id] };
  if (generation === "serving") d.s.serving = next;
  else d.s.rollout = next;
  d.effects.push({ type: "startReplica", id, version: next.spec.version });
}

/** Takes a replica out of routing and stops it: after its in-flight requests (`drain`) or at once. */
function retire(d: Draft, id: string, drain: boolean): void {
  const again = d.s.retiring.includes(id);
  // A replica already retiring is only told again to cut its drain short.
  if (again && drain) return;
  if (!again) d.s.retiring = [...d.s.retiring, id];
  d.effects.push({ type: "retireReplica", id, drainMs: drain ? d.s.serving.spec.gracefulShutdownTimeoutMs : undefined });
  if (!again) d.effects.push(changed);
}

function activeServing(state: DeploymentState): string[] {
  return state.serving.replicaIds.filter((id) => !state.retiring.includes(id));
}

/** The replica to drain first (chooseReplicaToDrain: not started, then loading, then the least busy ready one). */
function pickToDrain(ids: readonly string[], observed: ObservedReplicas): string | undefined {
  const chosen = chooseReplicaToDrain(
    ids.map((id) => {
      const replica = observed.get(id) ?? NOT_STARTED_REPLICA;
      const state = replica.lifecycle === "ready" ? "ready" : replica.lifecycle === "pending" ? "pending" : "starting";
      return { id, state, ongoingRequests: replica.ongoingRequests, startedAtMs: replica.startedAtMs } as const;
    }),
  );
  return chosen?.id;
}

function view(d: Draft, id: string): ReplicaView {
  return d.observed.get(id) ?? NOT_STARTED_REPLICA;
}

const changed: DeploymentEffect = { type: "changed" };

function log(d: Draft, message: string): void {
  d.effects.push({ type: "log", message: `${d.s.key}: ${message}` });
}
