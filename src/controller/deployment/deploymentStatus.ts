import type { DeploymentRecord, DeploymentStatus, DeploymentStatusTrigger, ReplicaRecord } from "../../protocol/ControllerState.js";
import { UNHEALTHY_FAILURE_LIMIT } from "../timeouts.js";
import { allReplicaIds, type DeploymentState, type ObservedReplicas, type ReplicaView } from "./DeploymentState.js";

export interface DeploymentStatusLine {
  status: DeploymentStatus;
  trigger: DeploymentStatusTrigger;
  message: string;
}

/**
 * Ray's status of a deployment, derived from its state and its replicas: UPDATING while deleting or (re)deploying,
 * DEPLOY_FAILED with the failure, UNHEALTHY while a replica keeps failing (none ready, or one failed
 * UNHEALTHY_FAILURE_LIMIT times in a row), UPSCALING/DOWNSCALING while a scale is under way, else HEALTHY.
 */
export function deploymentStatus(state: DeploymentState, observed: ObservedReplicas): DeploymentStatusLine {
  if (state.deleting) return { status: "UPDATING", trigger: "DELETING", message: "Deleting." };
  if (state.failure !== undefined) return { status: "DEPLOY_FAILED", trigger: state.lastTrigger, message: state.failure };
  if (state.rollout !== undefined || !state.deployed) {
    return { status: "UPDATING", trigger: "CONFIG_UPDATE_STARTED", message: progressMessage(state, observed) };
  }
  const active = state.serving.replicaIds.filter((id) => !state.retiring.includes(id));
  const views = active.flatMap((id) => withId(id, observed.get(id)));
  const ready = views.filter((r) => r.lifecycle === "ready");
  const troubled = views.filter((r) => r.lifecycle !== "ready" && r.consecutiveFailures > 0);
  const worst = troubled.sort((a, b) => b.consecutiveFailures - a.consecutiveFailures)[0];
  if (worst !== undefined && (ready.length === 0 || worst.consecutiveFailures >= UNHEALTHY_FAILURE_LIMIT)) {
    return {
      status: "UNHEALTHY",
      // A replica that had been running and died or hung is what Ray reports as a failed health check.
      trigger: worst.everReady ? "HEALTH_CHECK_FAILED" : "REPLICA_STARTUP_FAILED",
      message:
        `${ready.length} of ${state.target} replicas running; replica ${worst.id} failed ${worst.consecutiveFailures} ` +
        `time(s) in a row, restarting with backoff: ${worst.lastError ?? "unknown"}`,
    };
  }
  if (state.scaling !== undefined) {
    const up = state.scaling.to > state.scaling.from;
    return {
      status: up ? "UPSCALING" : "DOWNSCALING",
      trigger: "AUTOSCALING",
      message: `${up ? "Upscaling" : "Downscaling"} from ${state.scaling.from} to ${state.scaling.to} replicas.${pendingNote(views)}`,
    };
  }
  return { status: "HEALTHY", trigger: state.lastTrigger, message: "" };
}

/** The deployment as state.json and `status` show it; a retiring replica that has not stopped yet shows `stopping`. */
export function deploymentRecord(
  state: DeploymentState,
  observed: ObservedReplicas,
  replicas: ReadonlyMap<string, ReplicaRecord>,
  queuedRequests: number,
): DeploymentRecord {
  const { status, trigger, message } = deploymentStatus(state, observed);
  return {
    name: state.serving.spec.name,
    modelId: state.serving.spec.modelId,
    status,
    statusTrigger: trigger,
    message,
    targetReplicas: state.target,
    queuedRequests,
    version: (state.rollout ?? state.serving).spec.version,
    replicas: allReplicaIds(state).flatMap((id) => {
      const record = replicas.get(id);
      if (record === undefined) return [];
      return state.retiring.includes(id) && record.lifecycle !== "stopped" ? [{ ...record, lifecycle: "stopping" as const }] : [record];
    }),
  };
}

function progressMessage(state: DeploymentState, observed: ObservedReplicas): string {
  const ids = state.rollout?.replicaIds ?? state.serving.replicaIds;
  const views = ids.flatMap((id) => withId(id, observed.get(id)));
  const ready = views.filter((r) => r.lifecycle === "ready").length;
  const note = state.rollout !== undefined ? " (new version; the previous one keeps serving)" : "";
  return `${ready} of ${state.target} replicas ready${note}.${pendingNote(views)}`;
}

/** " Replica r2 is pending: needs 1 x H200, 0 of 1 free (in use by ...)." for the first pending replica, or "". */
function pendingNote(replicas: readonly (ReplicaView & { id: string })[]): string {
  const pending = replicas.find((r) => r.pendingReason !== undefined);
  return pending === undefined ? "" : ` Replica ${pending.id} is pending: ${pending.pendingReason}.`;
}

function withId(id: string, view: ReplicaView | undefined): (ReplicaView & { id: string })[] {
  return view === undefined ? [] : [{ ...view, id }];
}
