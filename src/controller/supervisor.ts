import { appendFileSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { spawn, type ChildProcess } from "node:child_process";
import type { ReplicaRecord } from "../protocol/ControllerState.js";
import { checkReplicaHealth } from "./healthChecker.js";
import { llmserveHome } from "../llmserveHome.js";
import { INSTANCE_ID_ENV } from "../process/instanceProcesses.js";
import { isOurProcessGroup, type GroupOwner } from "../process/isOurProcessGroup.js";
import { readProcessIdentity } from "../process/processIdentity.js";
import { isGroupAlive, killGroupNow, stopGroup } from "../process/processGroup.js";
import { decideReplica } from "./replica/decideReplica.js";
import { initialReplicaState, isRoutable, replicaRecord, type ReplicaEffect, type ReplicaInput, type ReplicaState } from "./replica/ReplicaState.js";
import { parseReplicaEvent } from "../protocol/ReplicaEvent.js";
import { runMachine, type Effects } from "./runMachine.js";
import { REPLICA_LISTEN_TIMEOUT_MS, REPLICA_READY_TIMEOUT_MS } from "./timeouts.js";
import { GenerationRate } from "./metrics/GenerationRate.js";

/** How to start one replica process; rebuilt at every (re)start so a new config path or placement applies. */
export interface ReplicaLaunch {
  file: string;
  args: string[];
  /** Added to the controller's environment (runtime_env.env_vars, CUDA_VISIBLE_DEVICES, the replica token). */
  env: Record<string, string>;
  /** GPU indices this launch was placed on; [] = CPU. */
  gpus: number[];
  /** The CUDA_VISIBLE_DEVICES the process gets (GPU UUIDs), when placement set one; shown in status. */
  cudaVisibleDevices?: string;
  /** Called once when this launch's process is ready, has failed or is stopped (ends its turn to load). */
  settled?: () => void;
}

/** The replica cannot be placed now: it stays `pending` with `reason` (shown in status), retried after `retryMs`. */
export interface PendingLaunch {
  pending: string;
  /** undefined: not retried (it can never be placed on this machine); the deployment decides what follows. */
  retryMs: number | undefined;
}

export interface SuperviseReplicaOptions {
  id: string;
  version: string;
  launch: () => ReplicaLaunch | PendingLaunch | Promise<ReplicaLaunch | PendingLaunch>;
  /** The replica's stderr goes straight into this file (it outlives the controller). */
  logFile: string;
  healthCheckPeriodMs: number;
  healthCheckTimeoutMs: number;
  stopGraceMs: number;
  /** Asked after each failure; true stops restarting and leaves the replica `failed`. */
  giveUp: (consecutiveFailures: number, everReady: boolean) => boolean;
  /** Called after every change of the record (lifecycle, progress, pid, error). */
  onChange: () => void;
  log: (message: string) => void;
  listenTimeoutMs?: number;
  readyTimeoutMs?: number;
}

/**
 * One replica slot under supervision. Its transitions are `decideReplica`'s (each emits onChange); this shell owns
 * the process, its stdout, its timers and health checks, and feeds what happens to them back as inputs, one at a
 * time. stop() is idempotent.
 */
export interface SupervisedReplica {
  readonly id: string;
  readonly version: string;
  record: () => ReplicaRecord;
  /** `http://127.0.0.1:PORT` once listening. */
  baseUrl: () => string | undefined;
  isReady: () => boolean;
  /** Ready, and no request timed out on it since its last passing health check: it may take new requests. */
  isRoutable: () => boolean;
  /**
   * A proxied request timed out on it (passive outlier detection, as Envoy's): counts as a failed health check at
   * once, and it gets no new request until a health check passes (one is made right away).
   */
  reportTimeout: () => void;
  /** Failures in a row without a long healthy stretch in between. */
  consecutiveFailures: () => number;
  /** Whether it was ever ready since start(). */
  everReady: () => boolean;
  /** Why it is still pending (placement), e.g. "needs 8 x A100-40G, this machine has 1 x NVIDIA H200". */
  pendingReason: () => string | undefined;
  /** Whether placement said it can never be placed here (not retried). */
  unplaceable: () => boolean;
  start: () => void;
  /** Graceful stop of the process group; resolves when it is gone (false: it survived SIGKILL). */
  stop: () => Promise<boolean>;
  /** Synchronous SIGKILL, for the controller's exit handler. */
  killNow: () => void;
  /** The controller's count of its in-flight requests on this replica. */
  addOngoing: (delta: number) => void;
  ongoing: () => number;
  /** Tokens it generated lately (the proxied answers feed it; `record()` reports the rate). */
  readonly generation: GenerationRate;
}

export function superviseReplica(options: SuperviseReplicaOptions): SupervisedReplica {
  const timers = timerSet();
  let launch: ReplicaLaunch | undefined;
  let settle: (() => void) | undefined;
  let resolveStop: ((gone: boolean) => void) | undefined;
  let stopped: Promise<boolean> | undefined;
  let ongoing = 0;
  const generation = new GenerationRate();

  const effects: Effects<ReplicaEffect> = {
    launch: () => void askPlacement(),
    spawn: (effect) => spawnProcess(effect.spawn),
    settleLaunch: () => {
      const done = settle;
      settle = undefined;
      done?.();
    },
    schedule: (effect) => timers.schedule(effect.ms, () => dispatch({ type: "timer", timer: effect.timer })),
    clearTimers: () => timers.clear(),
    checkHealth: (effect) => {
      void checkReplicaHealth(baseUrl() ?? "", options.healthCheckTimeoutMs).then((health) =>
        dispatch({ ...effect, type: "health", ok: health.ok, reason: health.ok ? "" : health.reason }),
      );
    },
    ...processGroupEffects(options.stopGraceMs, (input) => dispatch(input)),
    stopDone: (effect) => resolveStop?.(effect.gone),
    log: (effect) => options.log(effect.message),
    changed: () => options.onChange(),
  };
  const machine = runMachine<ReplicaState, ReplicaInput, ReplicaEffect>(
    initialReplicaState(options.id, options.version, {
      healthCheckPeriodMs: options.healthCheckPeriodMs,
      listenTimeoutMs: options.listenTimeoutMs ?? REPLICA_LISTEN_TIMEOUT_MS,
      readyTimeoutMs: options.readyTimeoutMs ?? REPLICA_READY_TIMEOUT_MS,
    }),
    (state, input) => decideReplica(state, input, { nowMs: Date.now(), giveUp: options.giveUp }),
    effects,
  );
  const dispatch = machine.dispatch;
  const state = machine.state;

  const askPlacement = async (): Promise<void> => {
    let outcome: ReplicaLaunch | PendingLaunch;
    try {
      outcome = await options.launch();
    } catch (error) {
      dispatch({ type: "launchFailed", message: (error as Error).message });
      return;
    }
    if ("pending" in outcome) {
      dispatch({ type: "pending", reason: outcome.pending, retryMs: outcome.retryMs });
      return;
    }
    launch = outcome;
    settle = outcome.settled;
    dispatch({ type: "placed", gpus: outcome.gpus, cudaVisibleDevices: outcome.cudaVisibleDevices });
  };

  const spawnProcess = (number: number): void => {
    const child = spawnReplicaProcess(launch!, options);
    const pid = child.pid ?? 0;
    dispatch({ type: "spawned", spawn: number, pid, startTime: readProcessIdentity(pid)?.startTime });
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (state().child !== number) return;
      const event = parseReplicaEvent(line);
      if (event === undefined) options.log(`replica ${options.id}: unexpected stdout line: ${line.slice(0, 200)}`);
      else dispatch({ type: "replicaEvent", spawn: number, event });
    });
    child.on("error", (error) => dispatch({ type: "spawnFailed", spawn: number, message: error.message }));
    // "close", not "exit": a `failed` line written just before exiting must be read first.
    child.on("close", (code, signal) =>
      dispatch({ type: "exited", spawn: number, how: signal !== null ? `was killed by ${signal}` : `exited with code ${code}` }),
    );
  };

  const baseUrl = (): string | undefined => (state().port > 0 ? `http://127.0.0.1:${state().port}` : undefined);

  return {
    id: options.id,
    version: options.version,
    record: () => ({
      ...replicaRecord(state(), ongoing),
      logFile: options.logFile,
      tokensPerSecond: Math.round(generation.perSecond() * 10) / 10,
    }),
    baseUrl,
    isReady: () => state().lifecycle === "ready",
    isRoutable: () => isRoutable(state()),
    reportTimeout: () => dispatch({ type: "requestTimedOut" }),
    consecutiveFailures: () => state().failures,
    everReady: () => state().everReady,
    pendingReason: () => (state().lifecycle === "pending" ? state().pendingReason : undefined),
    unplaceable: () => state().lifecycle === "pending" && state().unplaceable,
    start: () => dispatch({ type: "start" }),
    stop: () => {
      stopped ??= new Promise<boolean>((resolve) => {
        resolveStop = resolve;
        dispatch({ type: "stop" });
      });
      return stopped;
    },
    killNow: () => {
      if (isOurs(state().pid, state().startTime)) killGroupNow(state().pid);
    },
    addOngoing: (delta) => {
      ongoing = Math.max(0, ongoing + delta);
    },
    ongoing: () => ongoing,
    generation,
  };
}

/** The effects that stop or reap a replica's process group, each only once the group is proven ours. */
function processGroupEffects(stopGraceMs: number, dispatch: (input: ReplicaInput) => void): Pick<Effects<ReplicaEffect>, "stopFailedGroup" | "stopGroup" | "reapGroup"> {
  return {
    stopFailedGroup: (effect) => {
      void stopGroup(effect.pid, stopGraceMs, ownerOf(effect.pid, effect.startTime)).then(() =>
        dispatch({ type: "failedGroupStopped", reason: effect.reason }),
      );
    },
    stopGroup: (effect) => {
      if (effect.pid <= 0 || (!effect.running && !isGroupAlive(effect.pid))) {
        dispatch({ type: "stopped", gone: true, how: undefined });
        return;
      }
      void stopGroup(effect.pid, stopGraceMs, ownerOf(effect.pid, effect.startTime)).then((result) =>
        dispatch({ type: "stopped", gone: result.gone, how: result.graceful ? "stopped" : "killed" }),
      );
    },
    reapGroup: (effect) => {
      if (isGroupAlive(effect.pid) && isOurs(effect.pid, effect.startTime)) killGroupNow(effect.pid);
    },
  };
}

/** The owner a replica's process group must prove before it is signalled: this instance, this leader. */
function ownerOf(pid: number, startTime: string | undefined): GroupOwner {
  return {
    home: resolve(llmserveHome()),
    instanceId: process.env[INSTANCE_ID_ENV],
    leader: { pid, ...(startTime !== undefined ? { startTime } : {}) },
  };
}

/** Signals a group only after proving it is still the one this replica started. */
function isOurs(pid: number, startTime: string | undefined): boolean {
  return pid > 0 && isOurProcessGroup(pid, ownerOf(pid, startTime));
}

/** Starts a replica's process: detached (it leads its own process group), stderr appended to its log file. */
function spawnReplicaProcess(launch: ReplicaLaunch, options: SuperviseReplicaOptions): ChildProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const logFd = openSync(options.logFile, "a");
  let child: ChildProcess;
  try {
    // detached: stop/kill reaches everything it forks. stderr is the log file itself, not a pipe: its logs survive
    // the controller.
    child = spawn(launch.file, launch.args, { env: { ...process.env, ...launch.env }, detached: true, stdio: ["ignore", "pipe", logFd] });
  } finally {
    closeSync(logFd);
  }
  appendFileSync(options.logFile, `---- llmserve: replica ${options.id} started, pid ${child.pid ?? 0} ----\n`);
  return child;
}

/** Timers that can all be cancelled at once. */
function timerSet(): { schedule: (ms: number, fire: () => void) => void; clear: () => void } {
  const timers = new Set<NodeJS.Timeout>();
  return {
    schedule: (ms, fire) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fire();
      }, ms);
      timers.add(timer);
    },
    clear: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
