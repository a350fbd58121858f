import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { INSTANCE_HOME_ENV, INSTANCE_ID_ENV } from "../process/instanceProcesses.js";
import { ControllerStartError } from "./errors/ControllerStartError.js";
import { parseControllerStartupEvent, type ControllerStartupEvent } from "../protocol/ControllerStartupEvent.js";
import { CONTROLLER_START_TIMEOUT_MS } from "./timeouts.js";

/**
 * V8 flags for the controller process (bench/README.md, "End-to-end", memory).
 * - `--max-semi-space-size=1`: its live heap is small (~12 MB), but V8's default young generation grows to 16 MB
 *   semi-spaces under the proxy's allocation churn and keeps them: capped at 1 MB, resident memory is ~12 MB lower.
 * - `--liftoff-only`: the only WebAssembly in the controller is undici's HTTP parser (llhttp). Optimising it with
 *   TurboFan, which V8 does on a background thread once the proxy is busy, takes ~35 MB of compiler memory, part
 *   of which glibc keeps in that thread's arena (+3-9 MB resident for the controller's life, varying run to run).
 *   The baseline code parses a response ~9 us slower (40 SSE chunks): not measurable through the proxy.
 */
const CONTROLLER_NODE_FLAGS = ["--max-semi-space-size=1", "--liftoff-only"];

export interface StartedController {
  pid: number;
  adminPort: number;
  port: number;
  logFile: string;
  /** Lets `run` exit while the controller keeps running. */
  detach: () => void;
  /** Resolves when the controller process ends (only meaningful while attached). */
  exited: Promise<void>;
}

/**
 * Spawns `llmserve _controller --config FILE` detached in its own process group, its stderr going to
 * $LLMSERVE_HOME/logs/controller.log, and waits for its startup line. Throws ControllerStartError with the
 * controller's reason (lock held, port in use) when it cannot start; nothing is left running then.
 */
export async function startController(home: string, configPath: string, env: NodeJS.ProcessEnv = process.env): Promise<StartedController> {
  const logDir = join(home, "logs");
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, "controller.log");
  const logFd = openSync(logFile, "a");
  const bin = fileURLToPath(new URL("../../bin/llmserve.js", import.meta.url));
  let subprocess: ChildProcess;
  try {
    // node:child_process, not execa: importing execa cost every `run` ~140 ms, and nothing of it is needed here.
    subprocess = spawn(process.execPath, [...CONTROLLER_NODE_FLAGS, bin, "_controller", "--config", configPath], {
      // Every process of the instance carries these (replicas inherit them): `status` and `shutdown` find them by
      // them even when state.json is lost, and prove a pid is ours before signalling it.
      env: { ...env, [INSTANCE_HOME_ENV]: resolve(home), [INSTANCE_ID_ENV]: randomUUID() },
      detached: true,
      // The log file itself becomes the controller's stderr, so its log outlives this `run`.
      stdio: ["ignore", "pipe", logFd],
    });
  } finally {
    closeSync(logFd);
  }
  const pid = subprocess.pid ?? 0;
  const exited = new Promise<void>((resolve) => {
    subprocess.once("exit", () => resolve());
    subprocess.once("error", () => resolve());
  });
  const lines = createInterface({ input: subprocess.stdout! });
  const first = await new Promise<ControllerStartupEvent | "exited" | "timeout">((resolve) => {
    const timer = setTimeout(() => resolve("timeout"), CONTROLLER_START_TIMEOUT_MS);
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolve(parseControllerStartupEvent(line));
    });
    void exited.then(() => {
      clearTimeout(timer);
      resolve("exited");
    });
  });
  const detach = (): void => {
    lines.close();
    subprocess.stdout?.destroy();
    subprocess.unref();
  };
  if (first === "timeout") {
    subprocess.kill("SIGKILL");
    detach();
    throw new ControllerStartError(`the controller did not start within ${CONTROLLER_START_TIMEOUT_MS / 1000} s (see ${logFile})`);
  }
  if (first === "exited") {
    detach();
    throw new ControllerStartError(`the controller exited during startup (see ${logFile})`);
  }
  if (first.event === "failed") {
    await exited;
    detach();
    throw new ControllerStartError(first.reason);
  }
  return { pid, adminPort: first.adminPort, port: first.port, logFile, detach, exited };
}
