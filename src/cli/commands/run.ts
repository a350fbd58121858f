import { existsSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { formatDiagnostic } from "../../config/formatDiagnostic.js";
import { loadConfigFile } from "../../config/loadConfigFile.js";
import type { ControllerRecord } from "../../protocol/ControllerState.js";
import { applyConfig } from "../../instance/controllerClient.js";
import { ControllerStartError } from "../../instance/errors/ControllerStartError.js";
import { tailLogs } from "../../instance/logTail.js";
import { isPidAlive, waitUntil } from "../../process/processGroup.js";
import { cleanUpStale, inspectInstance } from "../../instance/inspectInstance.js";
import { startController } from "../../instance/startController.js";
import { readStateFile } from "../../protocol/stateFile.js";
import { stopInstance } from "../../instance/stopInstance.js";
import { statusReport } from "../../instance/statusReport.js";
import { APPLY_TIMEOUT_MS, CONTROLLER_START_TIMEOUT_MS } from "../../instance/timeouts.js";
import { waitForApplications, type WaitOutcome } from "../../instance/waitForApplications.js";
import { describeForeign, describeUnrecorded } from "../../instance/describeInstanceProblems.js";
import { llmserveHome } from "../../llmserveHome.js";
import { ActionableError } from "../../errors/ActionableError.js";
import { EXIT_OK, EXIT_USAGE } from "../exitCodes.js";
import { createProgressReporter, type ProgressReporter } from "../progressReporter.js";

interface RunOptions {
  nonBlocking?: boolean;
  waitTimeout?: number;
}

/** Exit code of a non-blocking run interrupted by Ctrl-C while waiting (it stops what it started first). */
const EXIT_INTERRUPTED = 130;

/**
 * `llmserve run FILE [--non-blocking] [--wait-timeout S]`: validates, then starts the controller (or applies the
 * file to the running one, declaratively). Blocking: streams logs until Ctrl-C, then stops what it started.
 */
export function runCommand(): Command {
  return new Command("run")
    .description("deploy a config file on this machine: validate, start the controller and replicas, serve the OpenAI API")
    .argument("<config>", "llmserve / Ray Serve LLM config file")
    .option("--non-blocking", "return once every application is RUNNING (else: stream logs until Ctrl-C)")
    .option("--wait-timeout <seconds>", "give up (and stop what this run started) after this long", parseSeconds)
    .action(async (file: string, options: RunOptions) => {
      process.exitCode = await run(file, options);
    });
}

async function run(file: string, options: RunOptions): Promise<number> {
  if (!existsSync(file)) throw new ActionableError(`no such file: ${file}`, EXIT_USAGE);
  const { config, diagnostics } = await loadConfigFile(file, { target: "local" });
  for (const diagnostic of diagnostics) process.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
  if (config === undefined) {
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    throw new ActionableError(`${file} is invalid (${errors} error${errors === 1 ? "" : "s"}); nothing was started`);
  }
  const home = llmserveHome();
  const blocking = options.nonBlocking !== true;
  const appNames = config.applications.map((app) => app.name);
  const reporter = await createProgressReporter(!blocking && process.stdout.isTTY === true && process.stderr.isTTY === true);
  const interrupt = new AbortController();
  const onSignal = (): void => interrupt.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    let instance = inspectInstance(home);
    if (instance.kind === "starting") {
      reporter.info(`Waiting for the llmserve controller (pid ${instance.pid}) that is starting...`);
      await waitUntil(() => inspectInstance(home).kind !== "starting", CONTROLLER_START_TIMEOUT_MS, 100);
      instance = inspectInstance(home);
    }
    if (instance.kind === "unrecorded") {
      throw new ActionableError(`${describeUnrecorded(home, instance)} Stop them with \`llmserve shutdown -y\` first.`);
    }
    if (instance.kind === "stale") {
      if (instance.foreign.length > 0) reporter.info(describeForeign(instance.foreign));
      await cleanUpStale(home, instance);
      reporter.info(`Cleaned up after a controller that had died (pid ${instance.recorded.controller.pid}).`);
    }
    if (instance.kind === "running") {
      return await applyToRunning(instance.recorded.controller, config.sourcePath, file, appNames, options, reporter, interrupt.signal, home);
    }
    if (instance.kind === "starting") {
      throw new ActionableError(`an llmserve controller (pid ${instance.pid}) is still starting; try again in a moment`);
    }
    return await startFresh(home, config.sourcePath, file, appNames, options, reporter, interrupt.signal);
  } finally {
    reporter.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function startFresh(home: string, configPath: string, file: string, appNames: string[], options: RunOptions,
  reporter: ProgressReporter, interrupt: AbortSignal): Promise<number> {
  const blocking = options.nonBlocking !== true;
  const logs = new AbortController();
  const tailing = blocking
    ? tailLogs({ home, fromStart: false, follow: true, write: (line) => process.stdout.write(`${line}\n`), signal: logs.signal })
    : Promise.resolve();
  const stopLogs = async (): Promise<void> => {
    logs.abort();
    await tailing;
  };
  reporter.info(`Running config file: '${file}'.`);
  let started;
  try {
    started = await startController(home, configPath);
  } catch (error) {
    await stopLogs();
    if (error instanceof ControllerStartError) throw new ActionableError(explainStartError(error.message));
    throw error;
  }
  const recorded = readStateFile(home);
  if (recorded === undefined || recorded.controller.pid !== started.pid) {
    await stopLogs();
    throw new ActionableError(`the controller (pid ${started.pid}) started but wrote no state; see ${started.logFile}`);
  }
  reporter.info(`Controller pid ${started.pid}; OpenAI API at ${statusReport(recorded).endpoint}/v1 (logs: ${started.logFile}).`);

  const stopAll = async (why: string): Promise<string> => {
    reporter.stop();
    const latest = readStateFile(home) ?? recorded;
    const result = await stopInstance(home, latest);
    await stopLogs();
    const left = result.survivors.length > 0 ? ` Process groups ${result.survivors.join(", ")} survived SIGKILL.` : "";
    return `${why} Stopped what this run started (${result.stopped.length} process${result.stopped.length === 1 ? "" : "es"}).${left}`;
  };

  const outcome = await waitForApplications({
    controller: recorded.controller,
    appNames,
    timeoutMs: options.waitTimeout !== undefined ? options.waitTimeout * 1000 : undefined,
    signal: interrupt,
    onProgress: (lines) => reporter.update(lines),
  });
  if (outcome.kind !== "running") {
    const message = await stopAll(describeFailure(outcome, options));
    if (outcome.kind === "aborted") {
      process.stdout.write(`${message}\n`);
      return blocking ? EXIT_OK : EXIT_INTERRUPTED;
    }
    throw new ActionableError(message);
  }
  reporter.stop();
  printReady(outcome.state, appNames);
  if (!blocking) {
    started.detach();
    return EXIT_OK;
  }
  // Blocking: keep streaming logs until Ctrl-C (then stop everything) or until the controller dies.
  await new Promise<void>((resolve) => {
    interrupt.addEventListener("abort", () => resolve(), { once: true });
    void started.exited.then(() => resolve());
  });
  if (!interrupt.aborted) {
    await stopLogs();
    throw new ActionableError(`the controller (pid ${started.pid}) exited unexpectedly; see ${started.logFile}`);
  }
  process.stdout.write("Got interrupt, shutting down...\n");
  process.stdout.write(`${await stopAll("Shut down.")}\n`);
  return EXIT_OK;
}

async function applyToRunning(controller: ControllerRecord, configPath: string, file: string, appNames: string[],
  options: RunOptions, reporter: ProgressReporter, interrupt: AbortSignal, home: string): Promise<number> {
  let response;
  try {
    response = await applyConfig(controller, configPath, APPLY_TIMEOUT_MS);
  } catch (error) {
    throw new ActionableError(`the running controller (pid ${controller.pid}) did not answer: ${(error as Error).message}`);
  }
  if ("error" in response) throw new ActionableError(`not applied: ${response.error}`);
  const { summary } = response;
  reporter.info(
    `Applied '${file}' to the running instance (controller pid ${controller.pid}): ` +
      (["created", "updated", "unchanged", "removed"] as const).map((k) => `${k} [${summary[k].join(", ")}]`).join(", ") + ".",
  );
  const outcome = await waitForApplications({
    controller,
    appNames,
    timeoutMs: options.waitTimeout !== undefined ? options.waitTimeout * 1000 : undefined,
    signal: interrupt,
    onProgress: (lines) => reporter.update(lines),
  });
  if (outcome.kind === "aborted") {
    process.stdout.write("Interrupted; the instance keeps running (it was started by another run; `llmserve shutdown` stops it).\n");
    return options.nonBlocking === true ? EXIT_INTERRUPTED : EXIT_OK;
  }
  if (outcome.kind !== "running") throw new ActionableError(describeFailure(outcome, options));
  reporter.stop();
  printReady(outcome.state, appNames);
  if (options.nonBlocking === true) return EXIT_OK;
  const logs = new AbortController();
  interrupt.addEventListener("abort", () => logs.abort(), { once: true });
  const watchdog = setInterval(() => {
    if (!isPidAlive(controller.pid)) logs.abort();
  }, 500);
  await tailLogs({ home, fromStart: false, follow: true, write: (line) => process.stdout.write(`${line}\n`), signal: logs.signal });
  clearInterval(watchdog);
  if (!interrupt.aborted) throw new ActionableError(`the controller (pid ${controller.pid}) exited`);
  process.stdout.write("Interrupted; the instance keeps running (it was started by another run; `llmserve shutdown` stops it).\n");
  return EXIT_OK;
}

function printReady(state: Parameters<typeof statusReport>[0], appNames: string[]): void {
  const report = statusReport(state);
  for (const name of appNames) {
    const app = report.applications[name];
    if (app === undefined) continue;
    const where = app.endpoint !== null ? `is ready at ${app.endpoint}` : "is RUNNING (route_prefix null: not exposed over HTTP)";
    process.stdout.write(`Application '${name}' ${where}.\n`);
    const warnings = new Set(Object.values(app.deployments).flatMap((deployment) => deployment.replicas.flatMap((replica) => replica.warnings)));
    for (const warning of warnings) process.stderr.write(`Warning: application '${name}': ${warning}\n`);
  }
}

function describeFailure(outcome: Exclude<WaitOutcome, { kind: "running" }>, options: RunOptions): string {
  switch (outcome.kind) {
    case "failed":
      return `Deployment failed: ${outcome.reason}.`;
    case "timeout":
      return `Not RUNNING after --wait-timeout ${options.waitTimeout} s (${outcome.progress.join("; ") || "no progress reported"}).`;
    case "controller-gone":
      return "The controller exited unexpectedly (see `llmserve logs`).";
    case "aborted":
      return "Interrupted.";
  }
}

function explainStartError(message: string): string {
  const held = /another llmserve controller \(pid (\d+)\)/.exec(message);
  if (held !== null) {
    return (
      `another llmserve run started an instance at the same time (controller pid ${held[1]}); this run started ` +
      "nothing. Wait until it is RUNNING (llmserve status), then run again to apply this file"
    );
  }
  return `${message}; nothing was started`;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError("expected a positive number of seconds");
  return seconds;
}

