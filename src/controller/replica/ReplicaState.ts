import type { EnginePath } from "../../protocol/EnginePath.js";
import type { ReplicaLifecycle, ReplicaProgress, ReplicaRecord } from "../../protocol/ControllerState.js";
import type { ReplicaEvent } from "../../protocol/ReplicaEvent.js";

/** Durations the replica machine schedules itself. */
export interface ReplicaTimings {
  healthCheckPeriodMs: number;
  /** From spawn to `listening`. */
  listenTimeoutMs: number;
  /** From spawn to ready. */
  readyTimeoutMs: number;
}

/** Everything the supervisor knows about one replica slot; changed only by `decideReplica`. */
export interface ReplicaState {
  readonly id: string;
  readonly version: string;
  readonly timings: ReplicaTimings;
  lifecycle: ReplicaLifecycle;
  started: boolean;
  stopRequested: boolean;
  /** Processes spawned so far; every process event names the spawn it came from, so a dead one's late news is ignored. */
  spawns: number;
  /** The spawn whose process is ours and alive (not yet exited, killed or given up on). */
  child: number | undefined;
  /** Pid (= process group) of the latest process; 0 before the first. */
  pid: number;
  port: number;
  gpus: number[];
  cudaVisibleDevices: string | undefined;
  pendingReason: string | undefined;
  /** Placement said it can never be placed here: not retried. */
  unplaceable: boolean;
  restarts: number;
  /** Failures in a row without a long healthy stretch in between. */
  failures: number;
  everReady: boolean;
  /** When it last became ready (0: not ready since the last failure). */
  readySinceMs: number;
  lastError: string | undefined;
  progress: ReplicaProgress | undefined;
  /** The engine path the current process reported (its `engine` event). */
  engine: EnginePath | undefined;
  startedAtS: number | undefined;
  /** The reason of a `failed` event, used when its process exits. */
  failedReason: string | undefined;
  healthFailures: number;
  /** A failed process still being stopped: kept in the record so `shutdown` can find it if the controller dies meanwhile. */
  dyingPid: number;
}

/** What the machine reads from the world when an event arrives. */
export interface ReplicaEnv {
  nowMs: number;
  /** Asked after each failure; true stops restarting and leaves the replica `failed` (the deployment's policy). */
  giveUp: (consecutiveFailures: number, everReady: boolean) => boolean;
}

export type ReplicaTimer =
  | { name: "listen" | "ready" | "healthCheck"; spawn: number }
  | { name: "confirmReady"; spawn: number; attempt: number }
  | { name: "restart" | "placementRetry" };

export type HealthCheckKind = "confirm" | "periodic";

/** What happens to a replica slot, from its owner (start, stop), placement, its process and its timers. */
export type ReplicaInput =
  | { type: "start" }
  | { type: "stop" }
  | { type: "placed"; gpus: number[]; cudaVisibleDevices: string | undefined }
  /** Placement cannot place it now; `retryMs` undefined: never on this machine. */
  | { type: "pending"; reason: string; retryMs: number | undefined }
  | { type: "launchFailed"; message: string }
  | { type: "spawned"; spawn: number; pid: number }
  | { type: "spawnFailed"; spawn: number; message: string }
  | { type: "replicaEvent"; spawn: number; event: ReplicaEvent }
  /** The process closed its stdout and exited; `how` reads "exited with code 3" or "was killed by SIGKILL". */
  | { type: "exited"; spawn: number; how: string }
  | { type: "timer"; timer: ReplicaTimer }
  | { type: "health"; spawn: number; check: HealthCheckKind; attempt: number; ok: boolean; reason: string }
  /** The group of a process given up on (hung, too slow) is gone. */
  | { type: "failedGroupStopped"; reason: string }
  /** stop() finished; `how` is undefined when there was no process to stop. */
  | { type: "stopped"; gone: boolean; how: "stopped" | "killed" | undefined };

/** What the supervisor asks its shell to do. */
export type ReplicaEffect =
  /** Ask placement where to run (answered with placed, pending or launchFailed). */
  | { type: "launch" }
  /** Start the process placed by the last launch (answered with spawned, then its events). */
  | { type: "spawn"; spawn: number }
  /** End this launch's turn to load on its GPUs (idempotent). */
  | { type: "settleLaunch" }
  | { type: "schedule"; ms: number; timer: ReplicaTimer }
  | { type: "clearTimers" }
  | { type: "checkHealth"; spawn: number; check: HealthCheckKind; attempt: number }
  /** SIGTERM, grace, SIGKILL to a process group given up on (answered with failedGroupStopped). */
  | { type: "stopFailedGroup"; pid: number; reason: string }
  /** stop(): the same to the replica's group, when `running` or the group is still alive (answered with stopped). */
  | { type: "stopGroup"; pid: number; running: boolean }
  /** Kill whatever is left of an exited process's group. */
  | { type: "reapGroup"; pid: number }
  | { type: "stopDone"; gone: boolean }
  | { type: "log"; message: string }
  | { type: "changed" };

export function initialReplicaState(id: string, version: string, timings: ReplicaTimings): ReplicaState {
  return {
    id,
    version,
    timings,
    lifecycle: "pending",
    started: false,
    stopRequested: false,
    spawns: 0,
    child: undefined,
    pid: 0,
    port: 0,
    gpus: [],
    cudaVisibleDevices: undefined,
    pendingReason: undefined,
    unplaceable: false,
    restarts: 0,
    failures: 0,
    everReady: false,
    readySinceMs: 0,
    lastError: undefined,
    progress: undefined,
    engine: undefined,
    startedAtS: undefined,
    failedReason: undefined,
    healthFailures: 0,
    dyingPid: 0,
  };
}

/** The replica as state.json and `status` show it. */
export function replicaRecord(state: ReplicaState, ongoingRequests: number): ReplicaRecord {
  const alive = state.child !== undefined;
  return {
    id: state.id,
    pid: alive || state.lifecycle === "stopping" ? state.pid : state.dyingPid,
    port: state.port,
    lifecycle: state.lifecycle,
    gpus: state.gpus,
    ...(state.cudaVisibleDevices !== undefined ? { cudaVisibleDevices: state.cudaVisibleDevices } : {}),
    restarts: state.restarts,
    ...(state.pendingReason !== undefined && state.lifecycle === "pending" ? { pendingReason: state.pendingReason } : {}),
    ...(state.lastError !== undefined ? { lastError: state.lastError } : {}),
    ...(state.progress !== undefined ? { progress: state.progress } : {}),
    ...(state.engine !== undefined && alive ? { engine: state.engine } : {}),
    ongoingRequests,
    ...(state.startedAtS !== undefined && alive ? { startedAt: state.startedAtS } : {}),
    version: state.version,
  };
}
