import type { ReplicaProgress } from "../../protocol/ControllerState.js";
import type { Transition } from "../runMachine.js";
import type { ReplicaEvent } from "../../protocol/ReplicaEvent.js";
import {
  HEALTH_CHECK_FAILURE_LIMIT,
  RESTART_BACKOFF_INITIAL_MS,
  RESTART_BACKOFF_MAX_MS,
  RESTART_BACKOFF_RESET_MS,
} from "../timeouts.js";
import type { ReplicaEffect, ReplicaEnv, ReplicaInput, ReplicaState, ReplicaTimer } from "./ReplicaState.js";

type Step = Transition<ReplicaState, ReplicaEffect>;

/** Pause before the next /health try after a `ready` event whose first check failed: 200 ms, 400 ms, ... */
const CONFIRM_RETRY_STEP_MS = 200;

/**
 * One replica slot's lifecycle, (state, input) → (state, effects):
 *   pending --start, placed--> starting --listening--> loading --ready + /health 200--> ready
 *   pending --start, not placeable--> pending (pendingReason; asked again after retryMs when placement says so)
 *   starting|loading|ready --exit, `failed` event, timeout, hung--> backoff --delay--> (placement again) starting
 *   any failure where env.giveUp says so --> failed
 *   any --stop--> stopping --group gone--> stopped
 * The restart delay doubles per consecutive failure (RESTART_BACKOFF_INITIAL_MS up to _MAX_MS); a replica that
 * stayed ready for RESTART_BACKOFF_RESET_MS starts counting again at 1.
 */
export function decideReplica(state: ReplicaState, input: ReplicaInput, env: ReplicaEnv): Step {
  switch (input.type) {
    case "start":
      return state.started ? stay(state) : step({ ...state, started: true }, { type: "launch" });
    case "stop":
      return stop(state);
    case "placed":
      return placed(state, input);
    case "pending":
      return pending(state, input.reason, input.retryMs);
    case "launchFailed":
      return state.stopRequested ? stay(state) : restartOrGiveUp(state, `could not start the replica: ${input.message}`, env);
    case "spawned":
      return spawned(state, input.spawn, input.pid, env);
    case "spawnFailed":
      if (state.child !== input.spawn) return stay(state);
      return restartOrGiveUp({ ...state, child: undefined }, `could not start the replica: ${input.message}`, env);
    case "replicaEvent":
      return state.child === input.spawn ? onReplicaEvent(state, input.event, env) : stay(state);
    case "exited":
      return exited(state, input.spawn, input.how, env);
    case "timer":
      return onTimer(state, input.timer, env);
    case "health":
      if (state.child !== input.spawn) return stay(state);
      return input.check === "confirm" ? confirmResult(state, input, env) : periodicResult(state, input, env);
    case "failedGroupStopped": {
      const next = { ...state, dyingPid: 0 };
      return isStopping(next) ? step(next) : restartOrGiveUp(next, input.reason, env);
    }
    case "stopped": {
      const effects: ReplicaEffect[] = [];
      if (input.how !== undefined) {
        const how = input.how === "stopped" ? "stopped" : "killed after the grace period";
        effects.push(log(state, `pid ${state.pid} ${how}`));
      }
      return step({ ...state, port: 0, lifecycle: "stopped" }, ...effects, changed, { type: "stopDone", gone: input.gone });
    }
  }
}

function placed(state: ReplicaState, input: { gpus: number[]; cudaVisibleDevices: string | undefined }): Step {
  if (state.stopRequested) return step(state, { type: "settleLaunch" });
  const spawn = state.spawns + 1;
  return step(
    {
      ...state,
      spawns: spawn,
      pendingReason: undefined,
      unplaceable: false,
      gpus: input.gpus,
      cudaVisibleDevices: input.cudaVisibleDevices,
      port: 0,
      progress: undefined,
      engine: undefined,
      failedReason: undefined,
      healthFailures: 0,
    },
    { type: "spawn", spawn },
  );
}

function pending(state: ReplicaState, reason: string, retryMs: number | undefined): Step {
  if (state.stopRequested) return stay(state);
  const effects: ReplicaEffect[] = [];
  if (state.pendingReason !== reason) effects.push(log(state, `pending: ${reason}`));
  const next: ReplicaState = {
    ...state,
    pendingReason: reason,
    unplaceable: retryMs === undefined,
    gpus: [],
    cudaVisibleDevices: undefined,
    lifecycle: "pending",
  };
  effects.push(changed);
  if (retryMs !== undefined) effects.push({ type: "schedule", ms: retryMs, timer: { name: "placementRetry" } });
  return step(next, ...effects);
}

function spawned(state: ReplicaState, spawn: number, pid: number, env: ReplicaEnv): Step {
  const { listenTimeoutMs, readyTimeoutMs } = state.timings;
  return step(
    { ...state, child: spawn, pid, startedAtS: env.nowMs / 1000, lifecycle: "starting" },
    log(state, `started pid ${pid}`),
    changed,
    { type: "schedule", ms: listenTimeoutMs, timer: { name: "listen", spawn } },
    { type: "schedule", ms: readyTimeoutMs, timer: { name: "ready", spawn } },
  );
}

function onReplicaEvent(state: ReplicaState, event: ReplicaEvent, env: ReplicaEnv): Step {
  switch (event.event) {
    case "listening":
      return step({ ...state, port: event.port, lifecycle: "loading" }, changed);
    case "progress":
      return step({ ...state, progress: progressOf(event) }, changed);
    case "engine": {
      const { event: _event, ...engine } = event;
      return step({ ...state, engine }, ...engine.warnings.map((warning) => log(state, `warning: ${warning}`)), changed);
    }
    case "ready":
      // Ready means the `ready` event AND a passing /health.
      if (state.port === 0) return failRunning(state, "the replica said ready before it said listening", env);
      return step(state, { type: "checkHealth", spawn: state.child!, check: "confirm", attempt: 0 });
    case "failed":
      return step({ ...state, failedReason: event.reason, lastError: event.reason }, log(state, `failed: ${event.reason}`), changed);
  }
}

function progressOf(event: Extract<ReplicaEvent, { event: "progress" }>): ReplicaProgress {
  if (event.phase === "loading") return { phase: "loading", fraction: event.fraction };
  if (event.phase === "building") return { phase: "building", what: event.what };
  return {
    phase: "downloading",
    downloadedBytes: event.downloadedBytes,
    ...(event.totalBytes !== null
      ? { totalBytes: event.totalBytes, fraction: event.downloadedBytes / Math.max(event.totalBytes, 1) }
      : {}),
  };
}

function exited(state: ReplicaState, spawn: number, how: string, env: ReplicaEnv): Step {
  if (state.child !== spawn) return stay(state);
  const next = { ...state, child: undefined };
  // Whatever else the group held goes with it.
  const reap: ReplicaEffect = { type: "reapGroup", pid: state.pid };
  if (isStopping(next)) return step(next, reap);
  const failure = restartOrGiveUp(next, state.failedReason ?? `the replica process ${how}`, env);
  return { state: failure.state, effects: [reap, ...failure.effects] };
}

function onTimer(state: ReplicaState, timer: ReplicaTimer, env: ReplicaEnv): Step {
  switch (timer.name) {
    case "listen":
      if (state.child !== timer.spawn || state.lifecycle !== "starting") return stay(state);
      return failRunning(state, `the replica did not listen within ${state.timings.listenTimeoutMs / 1000} s`, env);
    case "ready":
      if (state.child !== timer.spawn || (state.lifecycle !== "starting" && state.lifecycle !== "loading")) return stay(state);
      return failRunning(state, `the replica was not ready within ${state.timings.readyTimeoutMs / 1000} s`, env);
    case "healthCheck":
      if (state.child !== timer.spawn || state.lifecycle !== "ready") return stay(state);
      return step(state, { type: "checkHealth", spawn: timer.spawn, check: "periodic", attempt: 0 });
    case "confirmReady":
      if (state.child !== timer.spawn || isStopping(state)) return stay(state);
      if (timer.attempt >= HEALTH_CHECK_FAILURE_LIMIT) return failRunning(state, "the replica said ready but /health did not pass", env);
      return step(state, { type: "checkHealth", spawn: timer.spawn, check: "confirm", attempt: timer.attempt });
    case "restart":
      if (state.lifecycle !== "backoff") return stay(state);
      return step({ ...state, restarts: state.restarts + 1 }, { type: "launch" });
    case "placementRetry":
      if (state.lifecycle !== "pending" || state.stopRequested) return stay(state);
      return step(state, { type: "launch" });
  }
}

function confirmResult(state: ReplicaState, input: { spawn: number; attempt: number; ok: boolean }, env: ReplicaEnv): Step {
  if (isStopping(state)) return stay(state);
  if (!input.ok) {
    const attempt = input.attempt + 1;
    const timer: ReplicaTimer = { name: "confirmReady", spawn: input.spawn, attempt };
    return step(state, { type: "schedule", ms: CONFIRM_RETRY_STEP_MS * attempt, timer });
  }
  return step(
    { ...state, everReady: true, readySinceMs: env.nowMs, progress: undefined, lifecycle: "ready" },
    log(state, `ready on port ${state.port}`),
    { type: "settleLaunch" },
    changed,
    { type: "schedule", ms: state.timings.healthCheckPeriodMs, timer: { name: "healthCheck", spawn: input.spawn } },
  );
}

function periodicResult(state: ReplicaState, input: { spawn: number; ok: boolean; reason: string }, env: ReplicaEnv): Step {
  if (state.lifecycle !== "ready") return stay(state);
  const next: ReplicaState = { ...state, healthFailures: input.ok ? 0 : state.healthFailures + 1 };
  const effects: ReplicaEffect[] = [];
  if (!input.ok) {
    effects.push(log(state, `health check ${next.healthFailures}/${HEALTH_CHECK_FAILURE_LIMIT} failed: ${input.reason}`));
    if (next.healthFailures >= HEALTH_CHECK_FAILURE_LIMIT) {
      const failure = failRunning(next, `hung: ${HEALTH_CHECK_FAILURE_LIMIT} health checks in a row failed (last: ${input.reason})`, env);
      return { state: failure.state, effects: [...effects, ...failure.effects] };
    }
  }
  effects.push({ type: "schedule", ms: state.timings.healthCheckPeriodMs, timer: { name: "healthCheck", spawn: input.spawn } });
  return step(next, ...effects);
}

/**
 * A failure the controller detected while the process may still run (hung, too slow): its group is stopped first,
 * so its memory (GPU memory included) is free before a replacement starts; then it counts as exited.
 */
function failRunning(state: ReplicaState, reason: string, env: ReplicaEnv): Step {
  if (state.child === undefined) return restartOrGiveUp(state, reason, env);
  return step(
    { ...state, child: undefined, lastError: reason, dyingPid: state.pid, lifecycle: "backoff" },
    { type: "settleLaunch" },
    { type: "clearTimers" },
    log(state, `${reason}; stopping pid ${state.pid}`),
    changed,
    { type: "stopFailedGroup", pid: state.pid, reason },
  );
}

/** After a failure: restart after the backoff delay, or stay `failed` when the deployment gives up on it. */
function restartOrGiveUp(state: ReplicaState, reason: string, env: ReplicaEnv): Step {
  const healthyStretch = state.readySinceMs > 0 && env.nowMs - state.readySinceMs > RESTART_BACKOFF_RESET_MS;
  const failures = healthyStretch ? 1 : state.failures + 1;
  const next: ReplicaState = { ...state, lastError: reason, failures, readySinceMs: 0, port: 0 };
  const done: ReplicaEffect[] = [{ type: "settleLaunch" }, { type: "clearTimers" }];
  if (env.giveUp(failures, state.everReady)) {
    return step(
      { ...next, lifecycle: "failed" },
      ...done,
      log(state, `giving up after ${failures} failure(s): ${reason}`),
      changed,
    );
  }
  const delay = restartDelayMs(failures);
  return step(
    { ...next, lifecycle: "backoff" },
    ...done,
    log(state, `${reason}; restarting in ${delay} ms (failure ${failures})`),
    changed,
    { type: "schedule", ms: delay, timer: { name: "restart" } },
  );
}

/** The wait before restart number `failures`: 500 ms, 1 s, 2 s, ... up to RESTART_BACKOFF_MAX_MS. */
export function restartDelayMs(failures: number): number {
  return Math.min(RESTART_BACKOFF_INITIAL_MS * 2 ** (failures - 1), RESTART_BACKOFF_MAX_MS);
}

function stop(state: ReplicaState): Step {
  if (state.stopRequested) return stay(state);
  const running = state.child !== undefined;
  return step(
    { ...state, stopRequested: true, child: undefined, lifecycle: "stopping" },
    { type: "clearTimers" },
    { type: "settleLaunch" },
    changed,
    { type: "stopGroup", pid: state.pid, running },
  );
}

function isStopping(state: ReplicaState): boolean {
  return state.lifecycle === "stopping" || state.lifecycle === "stopped";
}

const changed: ReplicaEffect = { type: "changed" };

function log(state: ReplicaState, message: string): ReplicaEffect {
  return { type: "log", message: `replica ${state.id}: ${message}` };
}

function step(state: ReplicaState, ...effects: ReplicaEffect[]): Step {
  return { state, effects };
}

function stay(state: ReplicaState): Step {
  return { state, effects: [] };
}
