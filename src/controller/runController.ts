import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AdminApplyResponse } from "../protocol/adminApi.js";
import { formatControllerStartupEvent, type ControllerStartupEvent } from "../protocol/ControllerStartupEvent.js";
import type { ControllerRecord, ControllerState } from "../protocol/ControllerState.js";
import { removeReplicaSpecs, replicaSpecPath, writeReplicaSpecFile } from "../protocol/ReplicaSpec.js";
import { removeStateFile, writeStateFile } from "../protocol/stateFile.js";
import { REPLICA_TOKEN_ENV } from "../protocol/replicaToken.js";
import { INSTANCE_ID_ENV } from "../process/instanceProcesses.js";
import { readProcessIdentity } from "../process/processIdentity.js";
import { StateLockHeldError } from "../process/errors/StateLockHeldError.js";
import { acquireStateLock, type StateLock } from "../process/stateLock.js";
import { REPLICA_STOP_GRACE_MS } from "../process/timeouts.js";
import { startAdminServer } from "./adminServer.js";
import { applyConflict } from "./applyConflict.js";
import { rayAutoscaler } from "./autoscaling/rayAutoscaler.js";
import { createController, type Controller } from "./controller.js";
import { createApiServer, type ApiServer } from "./controllerServer.js";
import { createControllerLog } from "./controllerLog.js";
import { createControllerMetrics, type MetricsModel } from "./metrics/controllerMetrics.js";
import { DEFAULT_LOG_SETTINGS } from "../logLine.js";
import { createConsoleRoutes } from "./console/consoleRoutes.js";
import type { ControllerSpec, DeploymentSpec } from "./controllerSpec.js";
import { loadControllerSpec, type SpecLoadResult } from "./loadControllerSpec.js";
import { gpuPlacement } from "./gpuPlacement.js";
import { readRssBytes } from "./readRssBytes.js";
import { createStateWriter } from "./stateWriter.js";
import { CONTROL_LOOP_INTERVAL_MS } from "./timeouts.js";
import type { RequestRecord } from "./metrics/RequestRecord.js";
import { tunablesWithHugePages } from "../replica/engine/weights/hugePageTunables.js";

export interface RunControllerOptions {
  configPath: string;
  home: string;
  /** `configPath` being loaded already (started before this module was imported); else it is loaded here. */
  spec?: Promise<SpecLoadResult>;
}

/** What start-up claimed: released again by shutdown. */
interface Claimed {
  lock: StateLock;
  spec: ControllerSpec;
  apiKey: string | undefined;
}

type Log = (message: string) => void;

/**
 * The `_controller` daemon: takes the state lock, binds the API port, starts every replica, supervises them and
 * serves until told to stop (admin /shutdown, SIGTERM, SIGINT). Resolves with the process exit code.
 */
export async function runController(options: RunControllerOptions): Promise<number> {
  // Lines before the config is read use TEXT and INFO; from then on its top-level logging_config (each apply's).
  let logSettings = DEFAULT_LOG_SETTINGS;
  const logger = createControllerLog(() => logSettings);
  const log: Log = logger.info;
  process.stdout.on("error", () => undefined);
  const fail = (reason: string, lock?: StateLock): number => {
    log(reason);
    emit({ event: "failed", reason });
    lock?.release();
    return 1;
  };

  const claimed = await claim(options);
  if (!claimed.ok) return fail(claimed.reason, claimed.lock);
  const { spec, lock } = claimed;
  logSettings = spec.logging;
  log(`controller pid ${process.pid} starting with ${options.configPath}`);
  // Replicas take requests only with this secret (src/protocol/replicaToken.ts): a new one for every controller.
  const replicaToken = randomBytes(32).toString("hex");
  let stateWriter: ReturnType<typeof createStateWriter> | undefined;
  const controller = createController({
    logDir: join(options.home, "logs"),
    placement: gpuPlacement({ modelsDir: join(options.home, "models"), log }),
    autoscalerFactory: rayAutoscaler,
    replicaCommand: replicaCommandIn(options.home, replicaToken),
    stopGraceMs: REPLICA_STOP_GRACE_MS,
    log,
    onAutoscale: (deployment, from, to) => metrics.autoscaled(deployment.appName, deployment.name, from, to),
    onChange: () => stateWriter?.changed(),
  });
  let liveState: (() => ControllerState) | undefined;
  const metrics = createControllerMetrics({ models: () => metricsModels(controller.spec()), state: () => liveState?.() });
  const api = createApiServer({
    table: controller,
    requestTimeoutMs: spec.requestTimeoutMs,
    replicaToken,
    keepAliveTimeoutMs: spec.keepAliveTimeoutMs,
    apiKey: claimed.apiKey,
    cors: spec.cors,
    console: createConsoleRoutes({
      status: () => (liveState !== undefined ? withMemory(liveState()) : undefined),
      apiKeyRequired: claimed.apiKey !== undefined,
    }),
    log: logger.error,
    finished: (request, deployment) => {
      metrics.observe(request);
      logger.access(request, deployment?.spec().logging ?? logSettings);
      if (request.replica !== undefined) logger.debug(() => routingLine(request));
    },
    metrics: async () => ({ contentType: metrics.contentType, text: await metrics.render() }),
  });
  let port: number;
  try {
    port = await api.listen(spec.host, spec.port);
  } catch (error) {
    return fail(listenFailure(spec, error as NodeJS.ErrnoException), lock);
  }
  return serve({
    options, claimed, controller, api, port, log,
    attachStateWriter: (writer) => (stateWriter = writer),
    attachSnapshot: (snapshot) => (liveState = snapshot),
    applied: (next) => (logSettings = next.logging),
  });
}

/** Takes the state lock, loads the spec and reads the API key; the lock is handed back with a failure to release. */
async function claim(options: RunControllerOptions): Promise<({ ok: true } & Claimed) | { ok: false; reason: string; lock?: StateLock }> {
  let lock: StateLock;
  try {
    lock = acquireStateLock(options.home);
  } catch (error) {
    const reason = error instanceof StateLockHeldError ? error.message : `cannot take the state lock: ${(error as Error).message}`;
    return { ok: false, reason };
  }
  removeReplicaSpecs(options.home);
  const loaded = await (options.spec ?? loadControllerSpec(options.configPath));
  if (!loaded.ok) return { ok: false, reason: loaded.message, lock };
  const spec = loaded.spec;
  const apiKey = spec.apiKeyEnv !== undefined ? process.env[spec.apiKeyEnv] : undefined;
  if (spec.apiKeyEnv !== undefined && (apiKey === undefined || apiKey === "")) {
    return { ok: false, reason: `http_options.api_key_env names ${spec.apiKeyEnv}, but that environment variable is not set`, lock };
  }
  return { ok: true, lock, spec, apiKey };
}

interface ServeOptions {
  options: RunControllerOptions;
  claimed: Claimed;
  controller: Controller;
  api: ApiServer;
  port: number;
  log: Log;
  attachStateWriter: (writer: ReturnType<typeof createStateWriter>) => void;
  /** The live state, for the metrics' gauges. */
  attachSnapshot: (snapshot: () => ControllerState) => void;
  /** A new spec was applied (its top-level logging_config now shapes the log). */
  applied: (spec: ControllerSpec) => void;
}

/** From a bound API port to exit: admin endpoint, state file, signals, control loop, the first apply. */
async function serve({ options, claimed, controller, api, port, log, attachStateWriter, attachSnapshot, applied }: ServeOptions): Promise<number> {
  const { spec, lock } = claimed;
  const home = options.home;
  const token = randomBytes(24).toString("hex");
  let record: ControllerRecord;
  let stopping = false;
  const snapshot = (): ControllerState =>
    controller.record({ ...record, gracefulShutdownTimeoutMs: controller.gracefulTimeoutMs() });
  const writer = createStateWriter(home, snapshot, log);

  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  const shutdown = (why: string): void => {
    if (stopping) return;
    stopping = true;
    writer.pause();
    record = { ...record, stopping: true };
    writeStateFile(home, snapshot());
    log(`shutting down (${why})`);
    void stopEverything(controller, api, log).then((allGone) => {
      clearInterval(loop);
      admin.close();
      if (allGone) {
        removeStateFile(home);
        lock.release();
        log("shut down; every replica stopped");
      } else {
        // Leave the state so `shutdown` can see and report what survived.
        writeStateFile(home, snapshot());
        log("shut down, but some replica process survived SIGKILL (see state.json)");
      }
      resolveExit(allGone ? 0 : 1);
    });
  };

  const applyFile = async (configPath: string): Promise<AdminApplyResponse> => {
    if (stopping) return { status: 409, body: { error: "the controller is shutting down" } };
    const next = await loadControllerSpec(configPath);
    if (!next.ok) return { status: 400, body: { error: next.message } };
    const refused = applyConflict(controller.spec(), next.spec, controller.applying());
    if (refused !== undefined) return refused;
    const summary = controller.apply(next.spec);
    record = { ...record, configPath: next.spec.configPath, configHash: next.spec.configHash };
    applied(next.spec);
    writer.flush();
    return { status: 200, body: { summary } };
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
    logFile: join(home, "logs", "controller.log"),
    gracefulShutdownTimeoutMs: 0,
  };
  attachStateWriter(writer);
  attachSnapshot(snapshot);
  handleSignals(controller, log, () => stopping, shutdown);

  const loop = setInterval(() => {
    if (stopping) return;
    controller.tick(Date.now());
    writer.tick(Date.now());
  }, CONTROL_LOOP_INTERVAL_MS);

  controller.apply(spec);
  writer.flush();
  log(`serving the OpenAI API on http://${spec.host}:${port}; admin on 127.0.0.1:${admin.port}`);
  emit({ event: "started", pid: process.pid, adminPort: admin.port, port });
  return exited;
}

/** In-flight requests finish (within the longest graceful timeout), then every replica stops. False: one survived. */
async function stopEverything(controller: Controller, api: ApiServer, log: Log): Promise<boolean> {
  const graceMs = controller.gracefulTimeoutMs();
  const drained = await api.drain(graceMs);
  if (!drained) log(`in-flight requests did not finish within ${graceMs / 1000} s; closing them`);
  return controller.stopAll();
}

/** SIGTERM/SIGINT/SIGHUP start a graceful shutdown, a second one kills every replica now; exit always takes them. */
function handleSignals(controller: Controller, log: Log, stopping: () => boolean, shutdown: (why: string) => void): void {
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (stopping()) {
        log(`${signal} again: killing every replica now`);
        controller.killAllNow();
        process.exit(1);
      }
      shutdown(signal);
    });
  }
  // Last line of defence: whatever way this process ends, its replicas' process groups end with it.
  process.on("exit", () => controller.killAllNow());
}

function emit(event: ControllerStartupEvent): void {
  try {
    process.stdout.write(formatControllerStartupEvent(event));
  } catch {
    // `run` may be gone already; the log has it.
  }
}

function listenFailure(spec: ControllerSpec, error: NodeJS.ErrnoException): string {
  return error.code === "EADDRINUSE"
    ? `port ${spec.port} on ${spec.host} is already in use (http_options.port in ${spec.configPath}); stop what uses it or choose another port`
    : `cannot listen on ${spec.host}:${spec.port}: ${error.message}`;
}

/**
 * `llmserve replica --spec FILE` from this same installation (or the fixture named by LLMSERVE_REPLICA_ENTRY, in
 * tests), with the instance's replica token in its environment, and glibc's malloc set to ask for transparent huge
 * pages (read only at process start; a CPU replica copies its weights into them, see chooseWeightsLoading). The spec
 * file is the deployment version's, resolved when the config was loaded: a restart reads it, never the YAML as it is
 * on disk now.
 */
function replicaCommandIn(home: string, replicaToken: string): (spec: DeploymentSpec) => { file: string; args: string[]; env: Record<string, string> } {
  const entry = process.env["LLMSERVE_REPLICA_ENTRY"] ?? fileURLToPath(new URL("../../bin/llmserve.js", import.meta.url));
  return (spec) => {
    const specFile = replicaSpecPath(home, spec.appName, spec.name, spec.version);
    writeReplicaSpecFile(specFile, spec.replica);
    return {
      file: process.execPath,
      args: [entry, "replica", "--spec", specFile, "--host", "127.0.0.1", "--port", "0"],
      env: {
        [REPLICA_TOKEN_ENV]: replicaToken,
        GLIBC_TUNABLES: tunablesWithHugePages(spec.envVars["GLIBC_TUNABLES"] ?? process.env["GLIBC_TUNABLES"]),
      },
    };
  };
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

/** Where a request went, for log_level DEBUG. */
function routingLine(request: RequestRecord): string {
  const queued = Math.round(request.queueMs * 10) / 10;
  return `request ${request.requestId} model=${request.model ?? "-"} routed to ${request.application}/${request.deployment} replica ` +
    `${request.replica} (attempt ${request.attempts}, queued ${queued} ms) -> ${request.status}`;
}

/** The served models as the metrics label and size them, from the last applied spec. */
function metricsModels(spec: ControllerSpec | undefined): MetricsModel[] {
  return (spec?.applications ?? []).flatMap((app) =>
    app.deployments.map((d) => ({
      application: app.name,
      deployment: d.name,
      modelId: d.modelId,
      sequences: d.resources.sequences,
      engineMetrics: d.engineMetrics,
    })),
  );
}
