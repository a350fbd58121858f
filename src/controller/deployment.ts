import { join } from "node:path";
import { fileSafeName } from "../protocol/fileSafeName.js";
import type { Autoscaler, AutoscalerFactory } from "./autoscalingHook.js";
import type { DeploymentRecord, DeploymentStatus, DeploymentStatusTrigger, ReplicaRecord } from "../protocol/ControllerState.js";
import type { DeploymentSpec } from "./controllerSpec.js";
import type { Placement } from "./placement.js";
import { createRequestQueue, type Lease } from "./requestQueue.js";
import { superviseReplica, type SupervisedReplica } from "./supervisor.js";
import { PLACEMENT_RETRY_MS, QUEUE_WAIT_TIMEOUT_MS, STARTUP_FAILURE_LIMIT, UNHEALTHY_FAILURE_LIMIT } from "./timeouts.js";
import { chooseReplicaToDrain } from "./autoscaling/chooseReplicaToDrain.js";
import { waitUntil } from "../process/processGroup.js";

export interface DeploymentDeps {
  /** $LLMSERVE_HOME/logs */
  logDir: string;
  placement: Placement;
  autoscalerFactory: AutoscalerFactory;
  /** The command that runs `llmserve replica` for a spec; its `env` goes over placement's and env_vars. */
  replicaCommand: (spec: DeploymentSpec) => { file: string; args: string[]; env?: Record<string, string> };
  stopGraceMs: number;
  log: (message: string) => void;
  onChange: () => void;
}

export type DeploymentPhase = "deploying" | "running" | "failed" | "deleting";

/** One llm_config under supervision: its replicas, its queue, its rollouts and its Ray status. */
export interface Deployment {
  key: string;
  spec: () => DeploymentSpec;
  start: () => void;
  /** Applies a new spec: in place when only scaling or the file path changed, else new replicas before old stop. */
  update: (spec: DeploymentSpec) => "unchanged" | "rescaled" | "redeploying";
  /** Drains (in-flight requests finish within graceful_shutdown_timeout_s) and stops every replica. */
  delete: () => Promise<boolean>;
  killNow: () => void;
  record: () => DeploymentRecord;
  phase: () => DeploymentPhase;
  acquire: (signal?: AbortSignal) => Promise<Lease<SupervisedReplica>>;
  /** A lease without waiting, when nobody is queued and a replica has room. */
  tryAcquire: () => Lease<SupervisedReplica> | undefined;
  /** Control-loop tick: asks the autoscaler. */
  tick: (nowMs: number) => void;
  setTargetReplicas: (target: number, reason?: string) => void;
}

interface Generation {
  spec: DeploymentSpec;
  replicas: SupervisedReplica[];
}

export function createDeployment(initial: DeploymentSpec, deps: DeploymentDeps): Deployment {
  const key = `${initial.appName}/${initial.modelId}`;
  let serving: Generation = { spec: initial, replicas: [] };
  let rollout: Generation | undefined;
  const retiring = new Set<SupervisedReplica>();
  let deployed = false;
  let deleting = false;
  let failure: string | undefined;
  let target = initial.initialReplicas;
  let scaling: { from: number; to: number } | undefined;
  let lastTrigger: DeploymentStatusTrigger = "CONFIG_UPDATE_STARTED";
  let autoscaler: Autoscaler | undefined = deps.autoscalerFactory(initial);
  let counter = 0;
  let evaluating = false;

  const queue = createRequestQueue<SupervisedReplica>({
    routable: () => {
      const ready = serving.replicas.filter((r) => r.isRoutable() && !retiring.has(r));
      if (ready.length > 0) return ready;
      return (rollout?.replicas ?? []).filter((r) => r.isRoutable());
    },
    maxOngoingPerReplica: () => serving.spec.maxOngoingRequests,
    maxQueued: () => serving.spec.maxQueuedRequests,
    waitTimeoutMs: QUEUE_WAIT_TIMEOUT_MS,
    onQueueChange: () => deps.onChange(),
  });

  const changed = (): void => {
    queue.pump();
    if (!evaluating) {
      evaluating = true;
      queueMicrotask(() => {
        evaluating = false;
        evaluate();
      });
    }
    deps.onChange();
  };

  const newReplica = (generation: Generation): SupervisedReplica => {
    counter++;
    const id = `r${counter}`;
    const version = generation.spec.version;
    const logFile = join(deps.logDir, "replicas", fileSafeName(initial.appName), fileSafeName(initial.modelId), `${id}.log`);
    const replica = superviseReplica({
      id,
      version,
      logFile,
      healthCheckPeriodMs: generation.spec.healthCheckPeriodMs,
      healthCheckTimeoutMs: generation.spec.healthCheckTimeoutMs,
      stopGraceMs: deps.stopGraceMs,
      launch: async () => {
        // The newest spec of this version (a re-run may have moved the file); placement asked at every start.
        const spec = serving.spec.version === version ? serving.spec : (rollout?.spec ?? generation.spec);
        const replicaId = `${key}/${id}`;
        deps.placement.release(replicaId);
        const placed = await deps.placement.place({ spec, replicaId });
        if (!placed.ok) return { pending: placed.reason, retryMs: placed.retry ? PLACEMENT_RETRY_MS : undefined };
        const command = deps.replicaCommand(spec);
        const cuda = placed.env["CUDA_VISIBLE_DEVICES"];
        return {
          ...command,
          env: { ...spec.envVars, ...placed.env, ...command.env },
          gpus: placed.gpus,
          ...(cuda !== undefined && cuda !== "" ? { cudaVisibleDevices: cuda } : {}),
          settled: () => deps.placement.loaded(replicaId),
        };
      },
      giveUp: (failures, everReady) => {
        const inRollout = rollout?.replicas.includes(replica) ?? false;
        const startingUp = inRollout || !deployed;
        return startingUp && !everReady && failures >= STARTUP_FAILURE_LIMIT;
      },
      onChange: changed,
      log: (message) => deps.log(`${key} ${message}`),
    });
    generation.replicas.push(replica);
    return replica;
  };

  const retire = async (replica: SupervisedReplica, drain: boolean): Promise<boolean> => {
    retiring.add(replica);
    changed();
    if (drain && replica.ongoing() > 0) {
      deps.log(`${key}: draining replica ${replica.id}: no new requests, ${replica.ongoing()} in flight to finish first`);
      await waitUntil(() => replica.ongoing() === 0, serving.spec.gracefulShutdownTimeoutMs, 50);
    }
    const gone = await replica.stop();
    deps.placement.release(`${key}/${replica.id}`);
    retiring.delete(replica);
    serving.replicas = serving.replicas.filter((r) => r !== replica);
    if (rollout !== undefined) rollout.replicas = rollout.replicas.filter((r) => r !== replica);
    changed();
    return gone;
  };

  /** Brings the serving generation to `target` replicas (when no rollout is under way). */
  const reconcileCount = (): void => {
    if (deleting || failure !== undefined || rollout !== undefined) return;
    const active = serving.replicas.filter((r) => !retiring.has(r));
    for (let i = active.length; i < target; i++) newReplica(serving).start();
    const candidates = [...active];
    for (let extra = active.length - target; extra > 0; extra--) {
      const victim = pickToDrain(candidates);
      if (victim === undefined) break;
      candidates.splice(candidates.indexOf(victim), 1);
      void retire(victim, true);
    }
  };

  /** Gives up a redeploy: its replicas stop at once, the serving generation stays. */
  const abandonRollout = (why: string): void => {
    failure = `${why}; the previous version keeps serving`;
    lastTrigger = "REPLICA_STARTUP_FAILED";
    deps.log(`${key}: ${failure}`);
    const doomed = rollout?.replicas ?? [];
    rollout = undefined;
    for (const replica of doomed) void retire(replica, false);
  };

  /** Reacts to replica changes: first deploy done or failed, rollout done or failed, scaling done. */
  const evaluate = (): void => {
    if (deleting) return;
    const given = (g: Generation): SupervisedReplica | undefined =>
      g.replicas.find((r) => r.record().lifecycle === "failed");
    if (rollout !== undefined) {
      const unplaceable = rollout.replicas.find((r) => r.unplaceable());
      if (unplaceable !== undefined) {
        abandonRollout(`the new version cannot be placed: ${unplaceable.pendingReason() ?? "unknown"}`);
        return;
      }
      // GPUs held by the old version (one GPU, exclusive use): free them one old replica at a time.
      const waiting = rollout.replicas.some((r) => r.pendingReason() !== undefined);
      const old = serving.replicas.filter((r) => !retiring.has(r));
      if (waiting && old.length > 0 && serving.replicas.every((r) => !retiring.has(r))) {
        const victim = pickToDrain(old);
        if (victim !== undefined) {
          deps.log(`${key}: the new version waits for GPUs; stopping old replica ${victim.id} first`);
          void retire(victim, true);
        }
      }
      const failed = given(rollout);
      if (failed !== undefined) {
        abandonRollout(`the new version failed to start (replica ${failed.id}: ${failed.record().lastError ?? "unknown"})`);
        return;
      }
      if (rollout.replicas.filter((r) => r.isReady()).length >= target) {
        const old = serving.replicas;
        serving = rollout;
        rollout = undefined;
        lastTrigger = "CONFIG_UPDATE_COMPLETED";
        deps.log(`${key}: new version ${serving.spec.version} is ready; stopping ${old.length} old replica(s)`);
        for (const replica of old) void retire(replica, true);
        reconcileCount();
      }
      return;
    }
    if (failure !== undefined) return;
    if (!deployed) {
      const unplaceable = serving.replicas.find((r) => r.unplaceable());
      if (unplaceable !== undefined) {
        // Exactly placement's sentence: `run` prints it ("needs 8 x A100-40G, this machine has 1 x NVIDIA H200").
        failure = unplaceable.pendingReason() ?? "the replica cannot be placed on this machine";
        lastTrigger = "REPLICA_STARTUP_FAILED";
        deps.log(`${key}: replica ${unplaceable.id} cannot be placed: ${failure}`);
        for (const replica of serving.replicas) void retire(replica, false);
        return;
      }
      const failed = given(serving);
      if (failed !== undefined) {
        failure = `replica ${failed.id} failed to start ${STARTUP_FAILURE_LIMIT} times in a row: ${failed.record().lastError ?? "unknown"}`;
        lastTrigger = "REPLICA_STARTUP_FAILED";
        deps.log(`${key}: ${failure}`);
        for (const replica of serving.replicas) void retire(replica, false);
        return;
      }
      if (serving.replicas.filter((r) => r.isReady()).length >= target) {
        deployed = true;
        lastTrigger = "CONFIG_UPDATE_COMPLETED";
        deps.log(`${key}: deployed (${target} replica(s) ready)`);
      }
      return;
    }
    if (scaling !== undefined) {
      const ready = serving.replicas.filter((r) => r.isReady() && !retiring.has(r)).length;
      const total = serving.replicas.length;
      if (ready === scaling.to && total === scaling.to) {
        lastTrigger = scaling.to > scaling.from ? "UPSCALE_COMPLETED" : "DOWNSCALE_COMPLETED";
        scaling = undefined;
      }
    }
  };

  const setTargetReplicas = (next: number, reason?: string): void => {
    if (next === target || deleting) return;
    deps.log(`${key}: ${reason ?? `scaling from ${target} to ${next} replicas`}`);
    if (deployed) scaling = { from: target, to: next };
    target = next;
    reconcileCount();
    changed();
  };

  const status = (): { status: DeploymentStatus; trigger: DeploymentStatusTrigger; message: string } => {
    if (deleting) return { status: "UPDATING", trigger: "DELETING", message: "Deleting." };
    if (failure !== undefined) return { status: "DEPLOY_FAILED", trigger: lastTrigger, message: failure };
    if (rollout !== undefined || !deployed) {
      return { status: "UPDATING", trigger: "CONFIG_UPDATE_STARTED", message: progressMessage() };
    }
    const active = serving.replicas.filter((r) => !retiring.has(r));
    const ready = active.filter((r) => r.isReady());
    const troubled = active.filter((r) => !r.isReady() && r.consecutiveFailures() > 0);
    const worst = troubled.sort((a, b) => b.consecutiveFailures() - a.consecutiveFailures())[0];
    if (worst !== undefined && (ready.length === 0 || worst.consecutiveFailures() >= UNHEALTHY_FAILURE_LIMIT)) {
      const error = worst.record().lastError ?? "unknown";
      return {
        status: "UNHEALTHY",
        // A replica that had been running and died or hung is what Ray reports as a failed health check.
        trigger: worst.everReady() ? "HEALTH_CHECK_FAILED" : "REPLICA_STARTUP_FAILED",
        message: `${ready.length} of ${target} replicas running; replica ${worst.id} failed ${worst.consecutiveFailures()} time(s) in a row, restarting with backoff: ${error}`,
      };
    }
    if (scaling !== undefined) {
      const up = scaling.to > scaling.from;
      return {
        status: up ? "UPSCALING" : "DOWNSCALING",
        trigger: "AUTOSCALING",
        message: `${up ? "Upscaling" : "Downscaling"} from ${scaling.from} to ${scaling.to} replicas.${pendingNote(active)}`,
      };
    }
    return { status: "HEALTHY", trigger: lastTrigger, message: "" };
  };

  const progressMessage = (): string => {
    const replicas = rollout?.replicas ?? serving.replicas;
    const ready = replicas.filter((r) => r.isReady()).length;
    return `${ready} of ${target} replicas ready${rollout !== undefined ? " (new version; the previous one keeps serving)" : ""}.${pendingNote(replicas)}`;
  };

  const all = (): SupervisedReplica[] => [...new Set([...serving.replicas, ...(rollout?.replicas ?? []), ...retiring])];

  return {
    key,
    spec: () => rollout?.spec ?? serving.spec,
    start: () => {
      reconcileCount();
      // With zero replicas wanted (min_replicas 0) nothing else would tell evaluate that it is deployed.
      changed();
    },
    update: (spec) => {
      const servingVersion = serving.spec.version;
      if (spec.version === servingVersion && (deployed || failure === undefined)) {
        if (rollout !== undefined) {
          const doomed = rollout.replicas;
          rollout = undefined;
          for (const replica of doomed) void retire(replica, false);
        }
        const wasFailed = failure !== undefined && deployed;
        failure = undefined;
        serving.spec = spec;
        autoscaler = deps.autoscalerFactory(spec);
        if (spec.autoscaling === undefined && spec.initialReplicas !== target) {
          setTargetReplicas(spec.initialReplicas, `num_replicas changed: scaling from ${target} to ${spec.initialReplicas} replicas`);
          return "rescaled";
        }
        if (wasFailed) changed();
        return "unchanged";
      }
      if (rollout !== undefined && rollout.spec.version === spec.version) {
        rollout.spec = spec;
        return "redeploying";
      }
      target = spec.initialReplicas;
      scaling = undefined;
      autoscaler = deps.autoscalerFactory(spec);
      failure = undefined;
      lastTrigger = "CONFIG_UPDATE_STARTED";
      if (!deployed) {
        // Nothing serves yet: replace outright.
        const doomed = serving.replicas;
        serving = { spec, replicas: [] };
        for (const replica of doomed) void retire(replica, false);
        reconcileCount();
      } else {
        if (rollout !== undefined) for (const replica of rollout.replicas) void retire(replica, false);
        rollout = { spec, replicas: [] };
        for (let i = 0; i < target; i++) newReplica(rollout).start();
      }
      changed();
      return "redeploying";
    },
    delete: async () => {
      deleting = true;
      queue.rejectAll(`the deployment ${key} is being deleted`);
      changed();
      const results = await Promise.all(all().map((replica) => retire(replica, true)));
      return results.every(Boolean);
    },
    killNow: () => {
      for (const replica of all()) replica.killNow();
    },
    record: () => {
      const { status: deploymentStatus, trigger, message } = status();
      return {
        name: serving.spec.name,
        modelId: serving.spec.modelId,
        status: deploymentStatus,
        statusTrigger: trigger,
        message,
        targetReplicas: target,
        queuedRequests: queue.queued(),
        version: (rollout ?? serving).spec.version,
        replicas: all().map((replica): ReplicaRecord => {
          const record = replica.record();
          return retiring.has(replica) && record.lifecycle !== "stopped" ? { ...record, lifecycle: "stopping" } : record;
        }),
      };
    },
    phase: () => {
      if (deleting) return "deleting";
      if (failure !== undefined) return "failed";
      return rollout !== undefined || !deployed ? "deploying" : "running";
    },
    acquire: (signal) => queue.acquire(signal),
    tryAcquire: () => queue.tryAcquire(),
    tick: (nowMs) => {
      if (autoscaler === undefined || deleting || !deployed || rollout !== undefined) return;
      const running = serving.replicas.filter((r) => r.isReady() && !retiring.has(r));
      const decision = autoscaler({
        nowMs,
        runningReplicas: running.length,
        targetReplicas: target,
        ongoingRequests: all().reduce((sum, r) => sum + r.ongoing(), 0),
        queuedRequests: queue.queued(),
      });
      if (decision !== undefined) setTargetReplicas(decision.targetReplicas, decision.reason);
    },
    setTargetReplicas,
  };
}

/** " Replica r2 is pending: needs 1 x H200, 0 of 1 free (in use by ...)." for the first pending replica, or "". */
function pendingNote(replicas: readonly SupervisedReplica[]): string {
  const pending = replicas.find((r) => r.pendingReason() !== undefined);
  return pending === undefined ? "" : ` Replica ${pending.id} is pending: ${pending.pendingReason()}.`;
}

/** The replica to drain first (chooseReplicaToDrain: not started, then loading, then the least busy ready one). */
function pickToDrain(replicas: readonly SupervisedReplica[]): SupervisedReplica | undefined {
  const chosen = chooseReplicaToDrain(
    replicas.map((replica) => {
      const record = replica.record();
      const state = record.lifecycle === "ready" ? "ready" : record.lifecycle === "pending" ? "pending" : "starting";
      return { id: replica.id, state, ongoingRequests: replica.ongoing(), startedAtMs: (record.startedAt ?? 0) * 1000 } as const;
    }),
  );
  return replicas.find((replica) => replica.id === chosen?.id);
}
