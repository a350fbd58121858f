import { statSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AdminApplyResponse } from "../protocol/adminApi.js";
import { removeReplicaSpecs, replicaSpecPath, writeReplicaSpecFile } from "../protocol/ReplicaSpec.js";
import { formatControllerStartupEvent, type ControllerStartupEvent } from "../protocol/ControllerStartupEvent.js";
import { startAdminServer } from "./adminServer.js";
import { rayAutoscaler } from "./autoscaling/rayAutoscaler.js";
import type { ControllerRecord, ControllerState } from "../protocol/ControllerState.js";
import { createController } from "./controller.js";
import { INSTANCE_ID_ENV } from "../process/instanceProcesses.js";
import { readProcessIdentity } from "../process/processIdentity.js";
import { REPLICA_TOKEN_ENV } from "../protocol/replicaToken.js";
import { createApiServer } from "./controllerServer.js";
import type { ControllerSpec, DeploymentSpec } from "./controllerSpec.js";
import { StateLockHeldError } from "../process/errors/StateLockHeldError.js";
import { loadControllerSpec } from "./loadControllerSpec.js";
import { gpuPlacement } from "./gpuPlacement.js";
import { readRssBytes } from "./readRssBytes.js";
import { acquireStateLock, type StateLock } from "../process/stateLock.js";
import { removeStateFile, stateFilePath, writeStateFile } from "../protocol/stateFile.js";
import { CONTROL_LOOP_INTERVAL_MS, STATE_FLUSH_INTERVAL_MS } from "./timeouts.js";
import { REPLICA_STOP_GRACE_MS } from "../process/timeouts.js";

export interface RunControllerOptions {
  configPath: string;
  home: string;
}

/**
 * The `_controller` daemon: takes the state lock, binds the API port, starts every replica, supervises them and
 * serves until told to stop (admin /shutdown, SIGTERM, SIGINT). Resolves with the process exit code.
 */
export async function runController(options: RunControllerOptions): Promise<number> {
  const logFile = join(options.home, "logs", "controller.log");
  const log = (message: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${message}\n`);
  };
  const emit = (event: ControllerStartupEvent): void => {
    try {
      process.stdout.write(formatControllerStartupEvent(event));
    } catch {
      // `run` may be gone already; the log has it.
    }
  };
  process.stdout.on("error", () => undefined);
  log(`controller pid ${process.pid} starting with ${options.configPath}`);

  let lock: StateLock;
  try {
    lock = acquireStateLock(options.home);
  } catch (error) {
    const reason = error instanceof StateLockHeldError ? error.message : `cannot take the state lock: ${(error as Error).message}`;
    log(reason);
    emit({ event: "failed", reason });
    return 1;
  }

  removeReplicaSpecs(options.home);
  const loaded = await loadControllerSpec(options.configPath);
  if (!loaded.ok) {
    log(loaded.message);
    emit({ event: "failed", reason: loaded.message });
    lock.release();
    return 1;
  }
  const spec = loaded.spec;

  // Replicas take requests only with this secret (src/replicaToken.ts): a new one for every controller.
  const replicaToken = randomBytes(32).toString("hex");
  let dirty = true;
  let lastPids = "";
  let lastFlush = 0;
  let stopping = false;
  const controller = createController({
    logDir: join(options.home, "logs"),
    placement: gpuPlacement({ modelsDir: join(options.home, "models"), log }),
    autoscalerFactory: rayAutoscaler,
    replicaCommand: replicaCommandIn(options.home, replicaToken),
    stopGraceMs: REPLICA_STOP_GRACE_MS,
    log,
    onChange: () => {
      dirty = true;
      // A new or gone pid is written at once, so `shutdown` can always find every process group.
      if (!stopping && pidSignature(snapshot()) !== lastPids) flush();
    },
  });

  const apiKey = spec.apiKeyEnv !== undefined ? process.env[spec.apiKeyEnv] : undefined;
  if (spec.apiKeyEnv !== undefined && (apiKey === undefined || apiKey === "")) {
    const reason = `http_options.api_key_env names ${spec.apiKeyEnv}, but that environment variable is not set`;
    log(reason);
    emit({ event: "failed", reason });
    lock.release();
    return 1;
  }
  const api = createApiServer({
    table: controller,
    requestTimeoutMs: spec.requestTimeoutMs,
    replicaToken,
    keepAliveTimeoutMs: spec.keepAliveTimeoutMs,
    apiKey,
    log,
  });
  let port: number;
  try {
    port = await api.listen(spec.host, spec.port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "EADDRINUSE"
        ? `port ${spec.port} on ${spec.host} is already in use (http_options.port in ${spec.configPath}); stop what uses it or choose another port`
        : `cannot listen on ${spec.host}:${spec.port}: ${(error as Error).message}`;
    log(reason);
    emit({ event: "failed", reason });
    lock.release();
    return 1;
  }

  const token = randomBytes(24).toString("hex");
  let record: ControllerRecord;
  const snapshot = (): ControllerState =>
    controller.record({ ...record, gracefulShutdownTimeoutMs: controller.gracefulTimeoutMs() });
  const flush = (): void => {
    const state = snapshot();
    lastPids = pidSignature(state);
    lastFlush = Date.now();
    dirty = false;
    writeStateFile(options.home, state);
    written = fileStamp(stateFilePath(options.home));
  };
  // state.json changed, damaged or removed by someone else is written again within a flush interval, so that
  // `status` and `shutdown` read the live instance (they find its processes by their environment meanwhile).
  let written: string | undefined;
  let lastCheck = 0;
  const stateFileIntact = (): boolean => {
    if (Date.now() - lastCheck < STATE_FLUSH_INTERVAL_MS) return true;
    lastCheck = Date.now();
    return fileStamp(stateFilePath(options.home)) === written;
  };

  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  const shutdown = (why: string): void => {
    if (stopping) return;
    stopping = true;
    record = { ...record, stopping: true };
    writeStateFile(options.home, snapshot());
    log(`shutting down (${why})`);
    void (async () => {
      const graceMs = controller.gracefulTimeoutMs();
      const drained = await api.drain(graceMs);
      if (!drained) log(`in-flight requests did not finish within ${graceMs / 1000} s; closing them`);
      const allGone = await controller.stopAll();
      clearInterval(loop);
      admin.close();
      if (allGone) {
        removeStateFile(options.home);
        lock.release();
        log("shut down; every replica stopped");
      } else {
        // Leave the state so `shutdown` can see and report what survived.
        writeStateFile(options.home, snapshot());
        log("shut down, but some replica process survived SIGKILL (see state.json)");
      }
      resolveExit(allGone ? 0 : 1);
    })();
  };

  const admin = await startAdminServer({
    token,
    status: () => withMemory(snapshot()),
    apply: (configPath) => applyFile(configPath),
    shutdown: () => shutdown("requested over the admin endpoint"),
    log,
  });
  const self = readProcessIdentity(process.pid);
  const instanceId = process.env[INSTANCE_ID_ENV];
  record = {
    pid: process.pid,
    ...(self?.startTime !== undefined ? { startTime: self.startTime } : {}),
    ...(instanceId !== undefined && instanceId !== "" ? { instanceId } : {}),
    startedAt: Date.now() / 1000,
    host: spec.host,
    port,
    adminPort: admin.port,
    adminToken: token,
    configPath: spec.configPath,
    configHash: spec.configHash,
    logFile,
    gracefulShutdownTimeoutMs: 0,
  };

  const applyFile = async (configPath: string): Promise<AdminApplyResponse> => {
    if (stopping) return { status: 409, body: { error: "the controller is shutting down" } };
    const next = await loadControllerSpec(configPath);
    if (!next.ok) return { status: 400, body: { error: next.message } };
    const running = controller.spec();
    const conflict = httpConflict(running, next.spec);
    if (conflict !== undefined) return { status: 400, body: { error: conflict } };
    if (running !== undefined && controller.applying() && running.configHash !== next.spec.configHash) {
      return {
        status: 409,
        body: {
          error: `another llmserve run is deploying ${running.configPath} right now; wait until it is RUNNING (llmserve status), then run again`,
        },
      };
    }
    const summary = controller.apply(next.spec);
    record = { ...record, configPath: next.spec.configPath, configHash: next.spec.configHash };
    flush();
    return { status: 200, body: { summary } };
  };

  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (stopping) {
        log(`${signal} again: killing every replica now`);
        controller.killAllNow();
        process.exit(1);
      }
      shutdown(signal);
    });
  }
  // Last line of defence: whatever way this process ends, its replicas' process groups end with it.
  process.on("exit", () => controller.killAllNow());

  const loop = setInterval(() => {
    if (stopping) return;
    controller.tick(Date.now());
    if (dirty && Date.now() - lastFlush >= STATE_FLUSH_INTERVAL_MS) flush();
    else if (!stateFileIntact()) {
      log(`${stateFilePath(options.home)} was changed or removed by another process; writing it again`);
      flush();
    }
  }, CONTROL_LOOP_INTERVAL_MS);

  controller.apply(spec);
  flush();
  log(`serving the OpenAI API on http://${spec.host}:${port}; admin on 127.0.0.1:${admin.port}`);
  emit({ event: "started", pid: process.pid, adminPort: admin.port, port });
  return exited;
}

/**
 * `llmserve replica --spec FILE` from this same installation (or the fixture named by LLMSERVE_REPLICA_ENTRY, in
 * tests), with the instance's replica token in its environment. The spec file is the deployment version's, resolved
 * when the config was loaded: a restart reads it, never the YAML as it is on disk now.
 */
function replicaCommandIn(home: string, replicaToken: string): (spec: DeploymentSpec) => { file: string; args: string[]; env: Record<string, string> } {
  const entry = process.env["LLMSERVE_REPLICA_ENTRY"] ?? fileURLToPath(new URL("../../bin/llmserve.js", import.meta.url));
  return (spec) => {
    const specFile = replicaSpecPath(home, spec.appName, spec.name, spec.version);
    writeReplicaSpecFile(specFile, spec.replica);
    return {
      file: process.execPath,
      args: [entry, "replica", "--spec", specFile, "--host", "127.0.0.1", "--port", "0"],
      env: { [REPLICA_TOKEN_ENV]: replicaToken },
    };
  };
}

function httpConflict(running: ControllerSpec | undefined, next: ControllerSpec): string | undefined {
  if (running === undefined) return undefined;
  if (running.host === next.host && running.port === next.port) return undefined;
  return (
    `http_options changed (${running.host}:${running.port} -> ${next.host}:${next.port}); the HTTP address cannot ` +
    "change while llmserve runs. Run `llmserve shutdown`, then `llmserve run` again"
  );
}

function pidSignature(state: ControllerState): string {
  return state.applications
    .flatMap((app) => app.deployments.flatMap((d) => d.replicas.map((r) => r.pid)))
    .filter((pid) => pid > 0)
    .sort((a, b) => a - b)
    .join(",");
}

function withMemory(state: ControllerState): ControllerState {
  return {
    ...state,
    applications: state.applications.map((app) => ({
      ...app,
      deployments: app.deployments.map((d) => ({
        ...d,
        replicas: d.replicas.map((r) => {
          const memoryBytes = readRssBytes(r.pid);
          return memoryBytes !== undefined ? { ...r, memoryBytes } : r;
        }),
      })),
    })),
  };
}

/** Inode, size and modification time: what changes when anyone else writes, truncates, replaces or removes a file. */
function fileStamp(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.ino}/${stat.size}/${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}
