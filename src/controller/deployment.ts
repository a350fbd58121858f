import { join } from "node:path";
import type { LogSettings } from "../logLine.js";
import { fileSafeName } from "../protocol/fileSafeName.js";
import type { Autoscaler, AutoscalerFactory, AutoscalingDecision } from "./autoscalingHook.js";
import type { DeploymentRecord, ReplicaRecord } from "../protocol/ControllerState.js";
import type { DeploymentSpec } from "./controllerSpec.js";
import { classifyUpdate, decideDeployment } from "./deployment/decideDeployment.js";
import {
  allReplicaIds,
  canAutoscale,
  currentSpec,
  deploymentPhase,
  initialDeploymentState,
  replicaGivesUp,
  routableReplicaIds,
  specOfVersion,
  type DeploymentEffect,
  type DeploymentInput,
  type DeploymentPhase,
  type DeploymentState,
  type ObservedReplicas,
  type ReplicaView,
} from "./deployment/DeploymentState.js";
import { deploymentRecord } from "./deployment/deploymentStatus.js";
import { drainAndStop } from "./deployment/drainAndStop.js";
import type { Placement } from "./placement.js";
import { createRequestQueue, type Lease } from "./requestQueue.js";
import { runMachine, type Effects } from "./runMachine.js";
import { superviseReplica, type PendingLaunch, type ReplicaLaunch, type SupervisedReplica } from "./supervisor.js";
import { PLACEMENT_RETRY_MS, QUEUE_WAIT_TIMEOUT_MS } from "./timeouts.js";

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
  /** The autoscaler changed a deployment's target (counted in llmserve:autoscaling_decisions_total). */
  onAutoscale?: (spec: DeploymentSpec, from: number, to: number) => void;
}

export type { DeploymentPhase };

/**
 * One llm_config under supervision: its replicas, its queue, its rollouts and its Ray status. Its decisions are
 * `decideDeployment`'s; this shell owns the replica supervisors, the request queue and the autoscaler, and carries
 * out the effects.
 */
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

export function createDeployment(initial: DeploymentSpec, deps: DeploymentDeps): Deployment {
  const replicas = new Map<string, SupervisedReplica>();
  /** Replicas being retired: resolves with whether the process group is gone. */
  const retirements = new Map<string, Promise<boolean>>();
  let autoscaler: Autoscaler | undefined = deps.autoscalerFactory(initial);
  let evaluating = false;

  const changed = (): void => {
    queue.pump();
    if (!evaluating) {
      evaluating = true;
      queueMicrotask(() => {
        evaluating = false;
        dispatch({ type: "evaluate" });
      });
    }
    deps.onChange();
  };
  const effects: Effects<DeploymentEffect> = {
    startReplica: (effect) => startReplica(effect.id, effect.version),
    retireReplica: (effect) => retireReplica(effect.id, effect.drainMs),
    resetAutoscaler: (effect) => {
      autoscaler = deps.autoscalerFactory(effect.spec);
    },
    rejectQueued: (effect) => queue.rejectAll(effect.message),
    log: (effect) => deps.log(effect.message),
    changed,
  };
  const observe = (): ObservedReplicas => new Map([...replicas].map(([id, replica]) => [id, viewOf(replica)]));
  const machine = runMachine<DeploymentState, DeploymentInput, DeploymentEffect>(
    initialDeploymentState(initial),
    (state, input) => decideDeployment(state, input, observe()),
    effects,
  );
  const { state, dispatch } = machine;
  const key = state().key;

  const queue = createRequestQueue<SupervisedReplica>({
    routable: () => routableReplicaIds(state(), (id) => replicas.get(id)?.isRoutable() ?? false).map((id) => replicas.get(id)!),
    maxOngoingPerReplica: () => state().serving.spec.maxOngoingRequests,
    maxQueued: () => state().serving.spec.maxQueuedRequests,
    waitTimeoutMs: QUEUE_WAIT_TIMEOUT_MS,
    onQueueChange: () => deps.onChange(),
  });

  const startReplica = (id: string, version: string): void => {
    const created = specOfVersion(state(), version)!;
    const replica = superviseReplica({
      id,
      version,
      logFile: join(created.logging.logsDir ?? deps.logDir, "replicas", fileSafeName(initial.appName), fileSafeName(initial.modelId), `${id}.log`),
      healthCheckPeriodMs: created.healthCheckPeriodMs,
      healthCheckTimeoutMs: created.healthCheckTimeoutMs,
      stopGraceMs: deps.stopGraceMs,
      // The newest spec of this version (a re-run may have moved the file); placement asked at every start.
      launch: () => placeReplica(deps, specOfVersion(state(), version) ?? created, `${key}/${id}`, id),
      giveUp: (failures, everReady) => replicaGivesUp(state(), id, failures, everReady),
      onChange: changed,
      log: (message) => deps.log(`${key} ${message}`),
    });
    replicas.set(id, replica);
    replica.start();
  };

  const retireReplica = (id: string, drainMs: number | undefined): void => {
    const replica = replicas.get(id);
    if (replica === undefined) return;
    if (retirements.has(id)) {
      // Already draining: stop now.
      void replica.stop();
      return;
    }
    const retirement = drainAndStop(replica, drainMs, (message) => deps.log(`${key}: ${message}`)).then((gone) => {
      deps.placement.release(`${key}/${id}`);
      dispatch({ type: "retired", id });
      retirements.delete(id);
      replicas.delete(id);
      return gone;
    });
    retirements.set(id, retirement);
  };

  return {
    key,
    spec: () => currentSpec(state()),
    start: () => dispatch({ type: "start" }),
    update: (spec) => {
      const outcome = classifyUpdate(state(), spec);
      dispatch({ type: "update", spec });
      return outcome;
    },
    delete: async () => {
      const ids = allReplicaIds(state());
      dispatch({ type: "delete" });
      const results = await Promise.all(ids.map((id) => retirements.get(id) ?? Promise.resolve(true)));
      return results.every(Boolean);
    },
    killNow: () => {
      for (const replica of replicas.values()) replica.killNow();
    },
    record: (): DeploymentRecord => {
      const records = new Map<string, ReplicaRecord>([...replicas].map(([id, replica]) => [id, replica.record()]));
      return deploymentRecord(state(), observe(), records, queue.queued());
    },
    phase: () => deploymentPhase(state()),
    acquire: (signal) => queue.acquire(signal),
    tryAcquire: () => queue.tryAcquire(),
    tick: (nowMs) => {
      const decision = askAutoscaler(autoscaler, state(), replicas, queue.queued(), nowMs);
      if (decision === undefined) return;
      deps.onAutoscale?.(currentSpec(state()), state().target, decision.targetReplicas);
      dispatch({ type: "setTarget", target: decision.targetReplicas, reason: decision.reason });
    },
    setTargetReplicas: (target, reason) => dispatch({ type: "setTarget", target, reason }),
  };
}

/** Asks placement where a replica runs (freeing what its last process held first) and builds its launch. */
async function placeReplica(deps: DeploymentDeps, spec: DeploymentSpec, replicaId: string, id: string): Promise<ReplicaLaunch | PendingLaunch> {
  deps.placement.release(replicaId);
  const placed = await deps.placement.place({ spec, replicaId });
  if (!placed.ok) return { pending: placed.reason, retryMs: placed.retry ? PLACEMENT_RETRY_MS : undefined };
  const command = deps.replicaCommand(spec);
  const cuda = placed.env["CUDA_VISIBLE_DEVICES"];
  return {
    ...command,
    env: { ...spec.envVars, ...placed.env, ...replicaLogEnv(id, spec.logging), ...command.env },
    gpus: placed.gpus,
    ...(cuda !== undefined && cuda !== "" ? { cudaVisibleDevices: cuda } : {}),
    settled: () => deps.placement.loaded(replicaId),
  };
}

/** How a replica writes its log lines: with its id, in the deployment's encoding, from its level up. */
function replicaLogEnv(id: string, logging: LogSettings): Record<string, string> {
  return { LLMSERVE_REPLICA_ID: id, LLMSERVE_LOG_ENCODING: logging.encoding, LLMSERVE_LOG_LEVEL: String(logging.level) };
}

/** The autoscaler's new target, when it wants one that differs from the current target (and may scale now). */
function askAutoscaler(autoscaler: Autoscaler | undefined, state: DeploymentState, replicas: ReadonlyMap<string, SupervisedReplica>,
  queuedRequests: number, nowMs: number): AutoscalingDecision | undefined {
  if (autoscaler === undefined || !canAutoscale(state)) return undefined;
  const decision = autoscaler({
    nowMs,
    runningReplicas: routableServing(state, replicas).length,
    targetReplicas: state.target,
    ongoingRequests: allReplicaIds(state).reduce((sum, id) => sum + (replicas.get(id)?.ongoing() ?? 0), 0),
    queuedRequests,
  });
  return decision === undefined || decision.targetReplicas === state.target ? undefined : decision;
}

/** The serving version's ready replicas that are not retiring. */
function routableServing(state: DeploymentState, replicas: ReadonlyMap<string, SupervisedReplica>): string[] {
  return state.serving.replicaIds.filter((id) => !state.retiring.includes(id) && (replicas.get(id)?.isReady() ?? false));
}

function viewOf(replica: SupervisedReplica): ReplicaView {
  const record = replica.record();
  return {
    lifecycle: record.lifecycle,
    consecutiveFailures: replica.consecutiveFailures(),
    everReady: replica.everReady(),
    pendingReason: replica.pendingReason(),
    unplaceable: replica.unplaceable(),
    ongoingRequests: replica.ongoing(),
    startedAtMs: (record.startedAt ?? 0) * 1000,
    lastError: record.lastError,
  };
}
