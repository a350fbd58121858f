// The llmserve CLI as a user runs it (`node bin/llmserve.js ...`) against one temp LLMSERVE_HOME, timed from spawn
// to exit; and the cleanup that makes sure nothing a bench run started outlives it.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Whether a process exists and is not a zombie. */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** VmRSS and VmHWM (peak) of a process, in bytes; undefined off Linux or when it is gone. */
export function residentMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1]) * 1024;
    return { rssBytes: kb("VmRSS"), peakBytes: kb("VmHWM") };
  } catch {
    return undefined;
  }
}

/**
 * A one-application config file in Ray Serve LLM's format: one llm_config, CPU, on `port`, with the per-host
 * knobs (threads) in runtime_env.env_vars so that the controller's replicas get them.
 */
export function writeServeConfig(file, { modelId, modelPath, port, replicas = 1, slots, contextPerSlot, threads }) {
  const engineKwargs = {};
  if (contextPerSlot !== undefined) engineKwargs.max_model_len = contextPerSlot;
  if (slots !== undefined) engineKwargs.max_num_seqs = slots;
  const config = {
    http_options: { host: "127.0.0.1", port },
    applications: [
      {
        name: "bench",
        route_prefix: "/",
        args: {
          llm_configs: [
            {
              model_loading_config: { model_id: modelId, model_source: modelPath },
              accelerator_type: "CPU",
              deployment_config: { num_replicas: replicas, max_queued_requests: 1000 },
              engine_kwargs: engineKwargs,
              ...(threads !== undefined ? { runtime_env: { env_vars: { LLMSERVE_THREADS: String(threads) } } } : {}),
            },
          ],
        },
      },
    ],
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/**
 * The llmserve entry point the benches run: the clone's `bin/llmserve.js`, or an installed package's when
 * LLMSERVE_BENCH_INSTALLED names its directory (`npm run bench -- --installed DIR`: the package as a user installs it).
 */
export function llmserveBin(root) {
  const installed = process.env.LLMSERVE_BENCH_INSTALLED;
  return path.join(installed !== undefined && installed !== "" ? path.resolve(installed) : root, "bin", "llmserve.js");
}

/** Runs `llmserve ARGS` with LLMSERVE_HOME=home; resolves `{ code, stdout, stderr, ms }` (ms: spawn to exit). */
export function llmserve(root, home, args, { timeoutMs = 300_000 } = {}) {
  const bin = llmserveBin(root);
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, LLMSERVE_HOME: home }, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, stdout, stderr, ms: performance.now() - started });
      });
  });
}

/** `llmserve status --json`, parsed; throws when the CLI fails. */
export async function statusJson(root, home) {
  const result = await llmserve(root, home, ["status", "--json"]);
  if (result.code !== 0) throw new Error(`llmserve status failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Every pid of a status report: the controller, then each replica's. */
export function instancePids(status) {
  const pids = [];
  if (status.controller !== undefined) pids.push(status.controller.pid);
  for (const app of Object.values(status.applications)) {
    for (const deployment of Object.values(app.deployments)) {
      for (const replica of deployment.replicas) if (replica.pid !== null) pids.push(replica.pid);
    }
  }
  return pids;
}

/**
 * The ready replicas of a status report: `{ id, pid, port, baseUrl, token }`; `token` is the secret the replica
 * wants on every request, read from its environment (readable by the user who started it).
 */
export function readyReplicas(status) {
  return Object.values(status.applications)
    .flatMap((app) => Object.values(app.deployments))
    .flatMap((deployment) => deployment.replicas)
    .filter((replica) => replica.lifecycle === "ready" && replica.port !== null)
    .map((replica) => ({
      id: replica.replica_id,
      pid: replica.pid,
      port: replica.port,
      baseUrl: `http://127.0.0.1:${replica.port}`,
      token: readFileSync(`/proc/${replica.pid}/environ`, "utf8").split("\0").find((entry) => entry.startsWith("LLMSERVE_REPLICA_TOKEN="))?.slice("LLMSERVE_REPLICA_TOKEN=".length),
    }));
}

/**
 * Each replica's own start-up time as the controller logged it (its timestamps are the controller's clock): from
 * "replica X: started pid N" to "replica X: ready on port P". Only the spans that began at or after `sinceMs`.
 */
export function replicaStartupSpans(home, sinceMs = 0) {
  const file = path.join(home, "logs", "controller.log");
  if (!existsSync(file)) return [];
  const starts = new Map();
  const spans = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    // "2026-01-01T00:00:00.000Z APP/MODEL replica r1: started pid 123"
    const match = /^(\S+) (.*?)replica (\S+): (started pid \d+|ready on port \d+)/.exec(line);
    if (match === null) continue;
    const at = Date.parse(match[1]);
    const key = `${match[2]}${match[3]}`;
    if (match[4].startsWith("started")) starts.set(key, at);
    else if (starts.has(key) && starts.get(key) >= sinceMs) {
      spans.push({ replica: key, startedAt: starts.get(key), readyAt: at, ms: at - starts.get(key) });
      starts.delete(key);
    }
  }
  return spans;
}

/** Polls (every `intervalMs`) until none of `pids` is alive; resolves the time it took, or undefined on timeout. */
export async function waitGone(pids, { timeoutMs = 60_000, intervalMs = 2 } = {}) {
  const started = performance.now();
  while (pids.some(isAlive)) {
    if (performance.now() - started > timeoutMs) return undefined;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return performance.now() - started;
}

/**
 * Last resort after a bench run (also on errors): `llmserve shutdown -y` when a state file is left, then SIGKILL to
 * the process groups of `pids` that are still alive. Synchronous, so it also works from an exit handler.
 */
export function forceStop(root, home, pids = []) {
  if (existsSync(path.join(home, "state.json"))) {
    try {
      execFileSync(process.execPath, [llmserveBin(root), "shutdown", "-y"], {
        env: { ...process.env, LLMSERVE_HOME: home },
        stdio: "ignore",
        timeout: 60_000,
      });
    } catch {
      // fall through to SIGKILL
    }
  }
  for (const pid of pids) {
    if (!isAlive(pid)) continue;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}
