import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { createReasoningParser } from "../reasoning/createReasoningParser.js";
import { resolveModelPath } from "./download/resolveModelPath.js";
import { createEmbeddingsService } from "./embeddings/createEmbeddingsService.js";
import { describeVerdict, ensureCpuKernels } from "./engine/cpuKernels/ensureCpuKernels.js";
import { locateFastDecodeAddon } from "./engine/fastDecode/locateFastDecodeAddon.js";
import { loadFastDecodeAddon, type FastDecodeAddonLoad } from "./engine/fastDecode/loadFastDecodeAddon.js";
import { loadEngine } from "./engine/loadEngine.js";
import { createReplicaServer } from "./http/createReplicaServer.js";
import { compileChatTemplate } from "./prompt/compileChatTemplate.js";
import type { ReplicaEvent } from "../protocol/ReplicaEvent.js";
import type { ReplicaRuntime } from "./ReplicaRuntime.js";
import type { ReplicaSettings } from "./ReplicaSettings.js";

export interface RunReplicaOptions {
  readonly host: string;
  readonly port: number;
  /** Receives the lifecycle events (the CLI prints them as JSON lines on stdout). */
  readonly onEvent: (event: ReplicaEvent) => void;
  /** Log lines (stderr). */
  readonly log: (line: string) => void;
  /**
   * When set, every request but `GET /health` must carry it in `x-llmserve-replica-token` (401 otherwise): the
   * controller that started the replica sends it, so nobody reaches the model around the controller's API key.
   */
  readonly accessToken?: string | undefined;
}

export interface RunningReplica {
  readonly runtime: ReplicaRuntime;
  readonly port: number;
  /** Resolves once the model is loaded (true) or failed (false; the failed event was sent). */
  readonly loaded: Promise<boolean>;
  /**
   * Graceful stop: refuses new requests, waits up to the grace period for the ones in flight, then frees the model.
   */
  stop(): Promise<void>;
}

const LOAD_PROGRESS_STEP = 0.05;
const DRAIN_POLL_MS = 50;
/** From `ready` to the start of the background CPU-kernel decision (see `load`). */
const CPU_KERNELS_BUILD_DELAY_MS = 2_000;

/**
 * Starts a replica: HTTP first (so `/health` can say "downloading"/"loading" with a reason), then resolves or
 * downloads the model, loads it, and reports ready. A load failure is reported once, never retried here.
 */
export async function runReplica(settings: ReplicaSettings, options: RunReplicaOptions): Promise<RunningReplica> {
  const runtime: ReplicaRuntime = {
    settings,
    startedAt: Math.floor(Date.now() / 1000),
    phase: { phase: "starting" },
    engine: undefined,
    chatTemplate: undefined,
  };
  const server = createReplicaServer(runtime, options.log, options.accessToken);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  options.onEvent({ event: "listening", host: options.host, port });

  const loadAbort = new AbortController();
  const loaded = load(runtime, options, loadAbort.signal);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      runtime.phase = { phase: "stopping" };
      loadAbort.abort();
      server.close();
      server.closeIdleConnections();
      const deadline = Date.now() + settings.gracefulShutdownTimeoutS * 1000;
      const engine = runtime.engine;
      while (engine !== undefined && engine.pool.ongoing + engine.pool.queued > 0 && Date.now() < deadline) {
        await sleep(DRAIN_POLL_MS);
      }
      server.closeAllConnections();
      await loaded.catch(() => false);
      await runtime.embeddings?.dispose();
      await runtime.engine?.dispose();
    })();
    return stopping;
  };
  return { runtime, port, loaded, stop };
}

async function load(runtime: ReplicaRuntime, options: RunReplicaOptions, signal: AbortSignal): Promise<boolean> {
  const { settings } = runtime;
  try {
    // An unknown parser name fails the replica now, not every chat request later.
    if (settings.reasoningParser !== undefined) createReasoningParser(settings.reasoningParser);
    const addon = await prepareFastDecodeAddon(runtime, options, signal);
    const modelPath = await resolveModelPath(settings.modelSource, {
      modelsDir: settings.modelsDir,
      hubCache: settings.hubCache,
      hfEndpoint: settings.hfEndpoint,
      hfToken: settings.hfToken,
      signal,
      log: options.log,
      onProgress: ({ downloadedBytes, totalBytes }) => {
        runtime.phase = { phase: "downloading", downloadedBytes, totalBytes };
        options.onEvent({ event: "progress", phase: "downloading", downloadedBytes, totalBytes: totalBytes ?? null });
      },
    });
    runtime.phase = { phase: "loading", fraction: 0 };
    options.onEvent({ event: "progress", phase: "loading", fraction: 0 });
    let lastReported = 0;
    const engine = await loadEngine(settings, modelPath, {
      log: options.log,
      signal,
      fastDecodeAddon: addon.load,
      warnings: addon.warnings,
      onProgress: (fraction) => {
        runtime.phase = { phase: "loading", fraction };
        if (fraction - lastReported >= LOAD_PROGRESS_STEP || fraction >= 1) {
          lastReported = fraction;
          options.onEvent({ event: "progress", phase: "loading", fraction: Math.round(fraction * 1000) / 1000 });
        }
      },
    });
    if (engine.chatTemplate !== undefined) {
      try {
        runtime.chatTemplate = compileChatTemplate(engine.chatTemplate);
      } catch (error) {
        options.log(`warning: the model's chat template cannot be parsed (${error instanceof Error ? error.message : String(error)}); chat requests will be refused`);
      }
    } else {
      options.log("warning: the model has no chat template; only /v1/completions can be used");
    }
    if (settings.embeddings) {
      // one embedding context per sequence, sharing the engine's threads
      runtime.embeddings = await createEmbeddingsService({
        model: engine.model,
        modelId: settings.modelId,
        concurrency: settings.sequences,
        contextSize: engine.contextSize,
        threads: Math.max(1, Math.floor(engine.threads / settings.sequences)),
      });
    }
    if (signal.aborted) {
      await runtime.embeddings?.dispose();
      await engine.dispose();
      return false;
    }
    for (const warning of engine.path.warnings) options.log(`warning: ${warning}`);
    options.onEvent({ event: "engine", ...engine.path });
    runtime.engine = engine;
    runtime.phase = { phase: "ready" };
    options.log(
      `ready: ${settings.modelId} (${engine.gpu === false ? "CPU" : engine.gpu}, ${engine.threads} threads, ` +
        `${engine.pool.size} sequences x ${engine.contextSize} tokens)`,
    );
    options.onEvent({ event: "ready" });
    if (engine.path.backend === "cpu") {
      // Not at once: probing the compilers forks from this now large process, and the controller's /health that
      // confirms `ready` waited ~200 ms for it (all of it added to every `run`).
      setTimeout(() => void decideCpuKernelsInBackground(settings, modelPath, options.log), CPU_KERNELS_BUILD_DELAY_MS).unref();
    }
    return true;
  } catch (error) {
    if (signal.aborted) return false;
    const reason = error instanceof Error ? error.message : String(error);
    runtime.phase = { phase: "failed", reason };
    options.onEvent({ event: "failed", reason });
    return false;
  }
}

/**
 * The fastDecode addon for this replica: the one built at install, else one cached or built now under
 * `$LLMSERVE_HOME/native` (reported as the `building` phase). Without it the stock loop runs, with a warning.
 */
async function prepareFastDecodeAddon(
  runtime: ReplicaRuntime,
  options: RunReplicaOptions,
  signal: AbortSignal,
): Promise<{ load: FastDecodeAddonLoad; warnings: string[] }> {
  const what = "the fastDecode addon";
  const location = await locateFastDecodeAddon({
    home: runtime.settings.home,
    log: options.log,
    signal,
    onBuilding: () => {
      runtime.phase = { phase: "building", what };
      options.onEvent({ event: "progress", phase: "building", what });
    },
  });
  if (!location.ok) return { load: { ok: false, reason: location.reason }, warnings: location.warning !== undefined ? [location.warning] : [] };
  return { load: loadFastDecodeAddon(location.dir), warnings: [] };
}

/**
 * While this replica serves, decides (once per build key, `ensureCpuKernels`) whether the replicas started after it
 * load CPU kernels compiled for this CPU or the prebuilt ones: compiles them at the lowest priority, measures both
 * on this replica's model in child processes, keeps the faster. Says the verdict in one log line.
 */
async function decideCpuKernelsInBackground(settings: ReplicaSettings, modelPath: string, log: (line: string) => void): Promise<void> {
  const outcome = await ensureCpuKernels({ home: settings.home, log, modelPath });
  switch (outcome.kind) {
    case "decided": {
      const change =
        outcome.change === "installed"
          ? "; replicas started from now on load the compiled ones"
          : outcome.change === "removed"
            ? "; compiled ones installed earlier were removed, replicas started from now on load the prebuilt ones"
            : "";
      log(`CPU kernels: ${describeVerdict(outcome)}${change}`);
      return;
    }
    case "busy":
    case "not-applicable":
      return;
    case "unmeasured":
    case "failed":
      log(`CPU kernels: staying on node-llama-cpp's prebuilt ones (${outcome.reason})`);
  }
}
