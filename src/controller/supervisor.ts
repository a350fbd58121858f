import { appendFileSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { spawn, type ChildProcess } from "node:child_process";
import type { ReplicaLifecycle, ReplicaProgress, ReplicaRecord } from "../protocol/ControllerState.js";
import { checkReplicaHealth } from "./healthChecker.js";
import { llmserveHome } from "../llmserveHome.js";
import { INSTANCE_ID_ENV } from "../process/instanceProcesses.js";
import { isOurProcessGroup, type GroupOwner } from "../process/isOurProcessGroup.js";
import { readProcessIdentity } from "../process/processIdentity.js";
import { isGroupAlive, killGroupNow, stopGroup } from "../process/processGroup.js";
import { parseReplicaEvent, type ReplicaEvent } from "../protocol/ReplicaEvent.js";
import { HEALTH_CHECK_FAILURE_LIMIT, REPLICA_LISTEN_TIMEOUT_MS, REPLICA_READY_TIMEOUT_MS, RESTART_BACKOFF_INITIAL_MS, RESTART_BACKOFF_MAX_MS, RESTART_BACKOFF_RESET_MS } from "./timeouts.js";

/** How to start one replica process; rebuilt at every (re)start so a new config path or placement applies. */
export interface ReplicaLaunch {
  file: string;
  args: string[];
  /** Added to the controller's environment (runtime_env.env_vars, CUDA_VISIBLE_DEVICES). */
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
 * One replica slot under supervision. Transitions (each emits onChange):
 *   pending --start(), placed--> starting --listening--> loading --ready + /health 200--> ready
 *   pending --start(), not placeable--> pending (with pendingReason; retried when the launch says so)
 *   starting|loading|ready --exit, `failed` event, timeout, hung--> backoff --delay--> starting
 *   any failure where giveUp() says so --> failed
 *   any --stop()--> stopping --group gone--> stopped
 * One owner: all transitions run on the controller's event loop through this closure; stop() is idempotent.
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
}

export function superviseReplica(options: SuperviseReplicaOptions): SupervisedReplica {
  let lifecycle: ReplicaLifecycle = "pending";
  let child: ChildProcess | undefined;
  let pid = 0;
  let port = 0;
  let gpus: number[] = [];
  let cudaVisibleDevices: string | undefined;
  let started = false;
  let pendingReason: string | undefined;
  let unplaceable = false;
  let settle: (() => void) | undefined;
  let restarts = 0;
  let failures = 0;
  let everReady = false;
  let readySince = 0;
  let lastError: string | undefined;
  let progress: ReplicaProgress | undefined;
  let startedAt: number | undefined;
  let ongoing = 0;
  let failedReason: string | undefined;
  let healthFailures = 0;
  let timedOut = false;
  /** The current process's start time: with the pid, what proves a group is still ours before it is signalled. */
  let startTime: string | undefined;
  const ownerOf = (leaderPid: number): GroupOwner => ({
    home: resolve(llmserveHome()),
    instanceId: process.env[INSTANCE_ID_ENV],
    leader: { pid: leaderPid, ...(leaderPid === pid && startTime !== undefined ? { startTime } : {}) },
  });
  let stopping: Promise<boolean> | undefined;
  /** A failed process still being stopped: kept in the record so `shutdown` can find it if we die meanwhile. */
  let dyingPid = 0;
  const timers = new Set<NodeJS.Timeout>();

  const change = (next?: ReplicaLifecycle): void => {
    if (next !== undefined) lifecycle = next;
    options.onChange();
  };
  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  const clearTimers = (): void => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };

  /** Ends this launch's turn to load (placement serialises loads per GPU); idempotent. */
  const settleLaunch = (): void => {
    const done = settle;
    settle = undefined;
    done?.();
  };

  const spawnProcess = async (): Promise<void> => {
    let outcome: ReplicaLaunch | PendingLaunch;
    try {
      outcome = await options.launch();
    } catch (error) {
      if (stopping !== undefined) return;
      onFailure(`could not start the replica: ${(error as Error).message}`);
      return;
    }
    if (stopping !== undefined) {
      if ("file" in outcome) outcome.settled?.();
      return;
    }
    if ("pending" in outcome) {
      if (pendingReason !== outcome.pending) options.log(`replica ${options.id}: pending: ${outcome.pending}`);
      pendingReason = outcome.pending;
      unplaceable = outcome.retryMs === undefined;
      gpus = [];
      cudaVisibleDevices = undefined;
      change("pending");
      if (outcome.retryMs !== undefined) {
        later(outcome.retryMs, () => {
          if (lifecycle === "pending" && stopping === undefined) void spawnProcess();
        });
      }
      return;
    }
    const launch = outcome;
    pendingReason = undefined;
    unplaceable = false;
    settle = launch.settled;
    gpus = launch.gpus;
    cudaVisibleDevices = launch.cudaVisibleDevices;
    port = 0;
    progress = undefined;
    failedReason = undefined;
    healthFailures = 0;
    mkdirSync(dirname(options.logFile), { recursive: true });
    const logFd = openSync(options.logFile, "a");
    let spawned: ChildProcess;
    try {
      // detached: the replica leads its own process group, so stop/kill reaches everything it forks.
      // stderr is the log file itself, not a pipe: its logs survive the controller.
      spawned = spawn(launch.file, launch.args, {
        env: { ...process.env, ...launch.env },
        detached: true,
        stdio: ["ignore", "pipe", logFd],
      });
    } finally {
      closeSync(logFd);
    }
    child = spawned;
    pid = spawned.pid ?? 0;
    startedAt = Date.now() / 1000;
    startTime = readProcessIdentity(pid)?.startTime;
    appendFileSync(options.logFile, `---- llmserve: replica ${options.id} started, pid ${pid} ----\n`);
    options.log(`replica ${options.id}: started pid ${pid}`);
    change("starting");

    const lines = createInterface({ input: spawned.stdout! });
    lines.on("line", (line) => {
      if (child !== spawned) return;
      const event = parseReplicaEvent(line);
      if (event === undefined) options.log(`replica ${options.id}: unexpected stdout line: ${line.slice(0, 200)}`);
      else onEvent(event);
    });
    spawned.on("error", (error) => {
      if (child !== spawned) return;
      child = undefined;
      onFailure(`could not start the replica: ${error.message}`);
    });
    // "close", not "exit": a `failed` line written just before exiting must be read first.
    spawned.on("close", (code, signal) => {
      if (child !== spawned) return;
      child = undefined;
      const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
      // Whatever else the group held goes with it.
      if (isGroupAlive(pid) && isOurProcessGroup(pid, ownerOf(pid))) killGroupNow(pid);
      if (lifecycle === "stopping" || lifecycle === "stopped") return;
      onFailure(failedReason ?? `the replica process ${how}`);
    });

    const listenBy = options.listenTimeoutMs ?? REPLICA_LISTEN_TIMEOUT_MS;
    later(listenBy, () => {
      if (child === spawned && lifecycle === "starting") fail(`the replica did not listen within ${listenBy / 1000} s`);
    });
    const readyBy = options.readyTimeoutMs ?? REPLICA_READY_TIMEOUT_MS;
    later(readyBy, () => {
      if (child === spawned && (lifecycle === "starting" || lifecycle === "loading")) {
        fail(`the replica was not ready within ${readyBy / 1000} s`);
      }
    });
  };

  const onEvent = (event: ReplicaEvent): void => {
    switch (event.event) {
      case "listening":
        port = event.port;
        change("loading");
        return;
      case "progress":
        progress =
          event.phase === "loading"
            ? { phase: "loading", fraction: event.fraction }
            : {
                phase: "downloading",
                downloadedBytes: event.downloadedBytes,
                ...(event.totalBytes !== null
                  ? { totalBytes: event.totalBytes, fraction: event.downloadedBytes / Math.max(event.totalBytes, 1) }
                  : {}),
              };
        change();
        return;
      case "ready":
        void confirmReady();
        return;
      case "failed":
        failedReason = event.reason;
        lastError = event.reason;
        options.log(`replica ${options.id}: failed: ${event.reason}`);
        change();
        return;
    }
  };

  /** Ready means the `ready` event AND a passing /health. */
  const confirmReady = async (): Promise<void> => {
    const owner = child;
    const url = baseUrl();
    if (url === undefined) return fail("the replica said ready before it said listening");
    for (let attempt = 0; attempt < HEALTH_CHECK_FAILURE_LIMIT; attempt++) {
      const health = await checkReplicaHealth(url, options.healthCheckTimeoutMs);
      if (child !== owner || lifecycle === "stopping" || lifecycle === "stopped") return;
      if (health.ok) {
        everReady = true;
        readySince = Date.now();
        progress = undefined;
        options.log(`replica ${options.id}: ready on port ${port}`);
        timedOut = false;
        settleLaunch();
        change("ready");
        scheduleHealthCheck(owner);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
    }
    fail("the replica said ready but /health did not pass");
  };

  const scheduleHealthCheck = (owner: ChildProcess | undefined): void => {
    later(options.healthCheckPeriodMs, () => {
      void (async () => {
        if (child !== owner || lifecycle !== "ready") return;
        const health = await checkReplicaHealth(baseUrl() ?? "", options.healthCheckTimeoutMs);
        if (child !== owner || lifecycle !== "ready") return;
        if (health.ok) {
          healthFailures = 0;
          timedOut = false;
        } else {
          healthFailures++;
          options.log(`replica ${options.id}: health check ${healthFailures}/${HEALTH_CHECK_FAILURE_LIMIT} failed: ${health.reason}`);
          if (healthFailures >= HEALTH_CHECK_FAILURE_LIMIT) {
            return fail(`hung: ${HEALTH_CHECK_FAILURE_LIMIT} health checks in a row failed (last: ${health.reason})`);
          }
        }
        scheduleHealthCheck(owner);
      })();
    });
  };

  /**
   * A failure the controller detected while the process may still run (hung, too slow): stop its group first, so
   * its memory (GPU memory included) is free before a replacement starts, then treat it as exited.
   */
  const fail = (reason: string): void => {
    settleLaunch();
    const victim = child;
    const victimPid = pid;
    child = undefined;
    clearTimers();
    if (victim === undefined) return onFailure(reason);
    options.log(`replica ${options.id}: ${reason}; stopping pid ${victimPid}`);
    lastError = reason;
    dyingPid = victimPid;
    change("backoff");
    void stopGroup(victimPid, options.stopGraceMs, ownerOf(victimPid)).then(() => {
      dyingPid = 0;
      if (lifecycle === "stopping" || lifecycle === "stopped") return;
      onFailure(reason);
    });
  };

  const onFailure = (reason: string): void => {
    settleLaunch();
    clearTimers();
    lastError = reason;
    const healthyStretch = readySince > 0 && Date.now() - readySince > RESTART_BACKOFF_RESET_MS;
    failures = healthyStretch ? 1 : failures + 1;
    readySince = 0;
    port = 0;
    if (options.giveUp(failures, everReady)) {
      options.log(`replica ${options.id}: giving up after ${failures} failure(s): ${reason}`);
      change("failed");
      return;
    }
    const delay = Math.min(RESTART_BACKOFF_INITIAL_MS * 2 ** (failures - 1), RESTART_BACKOFF_MAX_MS);
    options.log(`replica ${options.id}: ${reason}; restarting in ${delay} ms (failure ${failures})`);
    change("backoff");
    later(delay, () => {
      if (lifecycle !== "backoff") return;
      restarts++;
      void spawnProcess();
    });
  };

  const baseUrl = (): string | undefined => (port > 0 ? `http://127.0.0.1:${port}` : undefined);

  return {
    id: options.id,
    version: options.version,
    record: () => ({
      id: options.id,
      pid: child !== undefined || lifecycle === "stopping" ? pid : dyingPid,
      port,
      lifecycle,
      gpus,
      ...(cudaVisibleDevices !== undefined ? { cudaVisibleDevices } : {}),
      restarts,
      ...(pendingReason !== undefined && lifecycle === "pending" ? { pendingReason } : {}),
      ...(lastError !== undefined ? { lastError } : {}),
      ...(progress !== undefined ? { progress } : {}),
      ongoingRequests: ongoing,
      ...(startedAt !== undefined && child !== undefined ? { startedAt } : {}),
      ...(startTime !== undefined && (child !== undefined || lifecycle === "stopping" || dyingPid > 0) ? { startTime } : {}),
      version: options.version,
    }),
    baseUrl,
    isReady: () => lifecycle === "ready",
    isRoutable: () => lifecycle === "ready" && !timedOut,
    reportTimeout: () => {
      if (lifecycle !== "ready" || timedOut) return;
      timedOut = true;
      healthFailures++;
      options.log(`replica ${options.id}: a request timed out (failure ${healthFailures}/${HEALTH_CHECK_FAILURE_LIMIT}); no new requests until a health check passes`);
      if (healthFailures >= HEALTH_CHECK_FAILURE_LIMIT) return fail(`hung: a request timed out after ${HEALTH_CHECK_FAILURE_LIMIT - 1} failed health checks`);
      const owner = child;
      void checkReplicaHealth(baseUrl() ?? "", options.healthCheckTimeoutMs).then((health) => {
        if (health.ok && child === owner && lifecycle === "ready") {
          healthFailures = 0;
          timedOut = false;
        }
      });
    },
    consecutiveFailures: () => failures,
    everReady: () => everReady,
    pendingReason: () => (lifecycle === "pending" ? pendingReason : undefined),
    unplaceable: () => lifecycle === "pending" && unplaceable,
    start: () => {
      if (started) return;
      started = true;
      void spawnProcess();
    },
    stop: () => {
      stopping ??= (async () => {
        clearTimers();
        settleLaunch();
        const victimPid = pid;
        const hadProcess = child !== undefined || isGroupAlive(victimPid);
        change("stopping");
        child = undefined;
        let gone = true;
        if (hadProcess && victimPid > 0) {
          const result = await stopGroup(victimPid, options.stopGraceMs, ownerOf(victimPid));
          gone = result.gone;
          options.log(
            `replica ${options.id}: pid ${victimPid} ${result.graceful ? "stopped" : "killed after the grace period"}`,
          );
        }
        port = 0;
        change("stopped");
        return gone;
      })();
      return stopping;
    },
    killNow: () => {
      if (pid > 0 && isOurProcessGroup(pid, ownerOf(pid))) killGroupNow(pid);
    },
    addOngoing: (delta) => {
      ongoing = Math.max(0, ongoing + delta);
    },
    ongoing: () => ongoing,
  };
}
