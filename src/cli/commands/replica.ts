import { formatLogLine, LOG_LEVELS } from "../../logLine.js";
import { Command, InvalidArgumentError } from "commander";
import { formatDiagnostic } from "../../config/formatDiagnostic.js";
import { loadConfigFile } from "../../config/loadConfigFile.js";
import { replicaSpecFor } from "../../config/replicaSpecFor.js";
import { selectLlmConfig } from "../../config/selectLlmConfig.js";
import { writeReplicaEvent } from "../../protocol/ReplicaEvent.js";
import { readReplicaSpecFile, type ReplicaSpec } from "../../protocol/ReplicaSpec.js";
import { replicaSettingsFromSpec } from "../../replica/replicaSettingsFromSpec.js";
import type { RunningReplica } from "../../replica/runReplica.js";
import { watchParentProcess } from "../../replica/watchParentProcess.js";
import { REPLICA_TOKEN_ENV } from "../../protocol/replicaToken.js";

interface ReplicaCommandOptions {
  spec?: string;
  config?: string;
  model?: string;
  app?: string;
  host: string;
  port: number;
}

/**
 * The parent as seen when this module was loaded (start-up), or the pid the controller passes in
 * LLMSERVE_PARENT_PID: compared with the current ppid to notice a parent that is gone.
 */
const PARENT_AT_START = process.ppid;

/** Seconds past the graceful-shutdown budget after which the replica exits regardless. */
const HARD_EXIT_MARGIN_MS = 5_000;

/**
 * `llmserve replica --spec FILE [--host 127.0.0.1] [--port 0]`: serves the model of one replica spec (what the
 * controller writes) over the OpenAI API. `--config FILE --model MODEL_ID [--app NAME]` instead resolves that
 * llm_config into the same spec first (for running a replica by hand). stdout carries only JSON event lines (listening, progress, ready,
 * failed); logs go to stderr. Exits 1 after a `failed` event, 0 after SIGTERM/SIGINT (in-flight requests get the
 * graceful-shutdown period), and by itself when its parent process is gone.
 */
export function replicaCommand(): Command {
  return new Command("replica")
    .description("serve one model of a config file over the OpenAI API (what the controller starts; usable by hand)")
    .option("--spec <file>", "a replica spec file (JSON, written by the controller)")
    .option("--config <file>", "instead of --spec: the llmserve / Ray Serve config file")
    .option("--model <model_id>", "with --config: the model_id of the llm_config to serve")
    .option("--app <name>", "with --config: the application holding the model (needed only when several have it)")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0: any free port, printed in the listening event)", parsePort, 0)
    .action(async (options: ReplicaCommandOptions, command: Command) => {
      if ((options.spec === undefined) === (options.config === undefined)) {
        command.error("error: give either --spec FILE or --config FILE --model MODEL_ID");
      }
      if (options.config !== undefined && options.model === undefined) command.error("error: --config needs --model MODEL_ID");
      process.exitCode = await serveReplica(options);
    });
}

/**
 * The replica's log lines: time, level, `replica <model> <id>` and the message, in the encoding and from the level
 * the controller passed (LLMSERVE_REPLICA_ID, LLMSERVE_LOG_ENCODING, LLMSERVE_LOG_LEVEL; TEXT and INFO by hand).
 */
function replicaLog(name: () => string, env: NodeJS.ProcessEnv): (line: string) => void {
  const encoding = env["LLMSERVE_LOG_ENCODING"] === "JSON" ? "JSON" : "TEXT";
  const level = Number(env["LLMSERVE_LOG_LEVEL"] ?? LOG_LEVELS.INFO);
  const id = env["LLMSERVE_REPLICA_ID"];
  return (line) => {
    if (LOG_LEVELS.INFO < level) return;
    process.stderr.write(formatLogLine(encoding, LOG_LEVELS.INFO, `replica ${name()}${id === undefined ? "" : ` ${id}`}`, line));
  };
}

async function serveReplica(options: ReplicaCommandOptions): Promise<number> {
  let name = options.model ?? "";
  const log = replicaLog(() => name, process.env);
  const fail = (reason: string): number => {
    writeReplicaEvent({ event: "failed", reason });
    log(`failed: ${reason}`);
    return 1;
  };

  let replica: RunningReplica;
  try {
    const { spec, env } = options.spec !== undefined
      ? { spec: readReplicaSpecFile(options.spec), env: process.env }
      : await specFromConfig(options.config ?? "", options.model ?? "", options.app);
    name = spec.modelId;
    const settings = replicaSettingsFromSpec(spec, env);
    // Loaded here, not at the top: every llmserve command (and the controller) imports this file, and the engine's
    // module graph (node-llama-cpp) costs each of them ~150 ms of start-up and ~25 MB of memory.
    const { runReplica } = await import("../../replica/runReplica.js");
    replica = await runReplica(settings, {
      host: options.host,
      port: options.port,
      onEvent: writeReplicaEvent,
      log,
      accessToken: process.env[REPLICA_TOKEN_ENV] || undefined,
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }

  const exitCode = await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (reason: string, code: number): void => {
      if (stopping) return;
      stopping = true;
      log(`stopping: ${reason}`);
      const graceMs = replica.runtime.settings.gracefulShutdownTimeoutS * 1000;
      setTimeout(() => resolve(code), graceMs + HARD_EXIT_MARGIN_MS).unref();
      void replica.stop().then(() => resolve(code));
    };
    process.once("SIGTERM", () => stop("SIGTERM", 0));
    process.once("SIGINT", () => stop("SIGINT", 0));
    const parentPid = Number(process.env["LLMSERVE_PARENT_PID"]) || PARENT_AT_START;
    // Started by init itself (a service manager) with no parent named: there is no parent to outlive.
    if (parentPid !== 1) watchParentProcess(parentPid, () => stop("the parent process is gone", 0));
    void replica.loaded.then((ok) => {
      if (!ok && replica.runtime.phase.phase === "failed") stop("the model failed to load", 1);
    });
  });
  // Native handles (llama.cpp threads) can keep the event loop alive after dispose: exit explicitly.
  process.stdout.write("", () => process.exit(exitCode));
  return exitCode;
}

/**
 * The `--config` adapter: resolves the llm_config into the spec the controller would write. The environment gets
 * the llm_config's runtime_env.env_vars, as a replica the controller starts does.
 */
async function specFromConfig(path: string, modelId: string, appName: string | undefined):
  Promise<{ spec: ReplicaSpec; env: NodeJS.ProcessEnv }> {
  const { config, diagnostics } = await loadConfigFile(path, { target: "local" });
  if (config === undefined) {
    const errors = diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
    throw new Error(`invalid config: ${errors.slice(0, 5).join("; ")}${errors.length > 5 ? ` (and ${errors.length - 5} more)` : ""}`);
  }
  const { app, llmConfig } = selectLlmConfig(config, modelId, appName);
  return { spec: replicaSpecFor(config, app, llmConfig, process.env), env: { ...process.env, ...llmConfig.envVars } };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError("expected a port number from 0 to 65535");
  return port;
}
