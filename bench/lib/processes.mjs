// Servers the engine bench starts: each in its own process group, always killed at the end.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const started = new Set();

function killGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Kills every server this module started (also on exit and Ctrl-C). */
export function killAll() {
  for (const child of started) killGroup(child);
  started.clear();
}
process.once("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

function startGroup(command, args, env) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  started.add(child);
  const logs = [];
  const keep = (line) => {
    logs.push(line);
    if (logs.length > 200) logs.shift();
  };
  createInterface({ input: child.stderr }).on("line", keep);
  return { child, logs, keep };
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  killGroup(child);
  await exited;
  started.delete(child);
}

/** CPU time (user + system, all threads) a process has used so far, in ms; undefined off Linux. */
export function cpuTimeMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100;

export async function freePort() {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

/**
 * `llmserve replica` (the built CLI) on a one-model config, with the environment the controller gives its replicas
 * (`replicaLaunchEnv`); resolves once it printed {"event":"ready"}.
 */
export async function startReplica({ bin, configPath, modelId, env, home }) {
  const { child, logs, keep } = startGroup(process.execPath, [bin, "replica", "--config", configPath, "--model", modelId, "--port", "0"], {
    LLMSERVE_HOME: home,
    ...(await replicaLaunchEnv(bin)),
    ...env,
  });
  let baseUrl;
  await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      keep(line);
      let event;
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      if (event.event === "listening") baseUrl = `http://${event.host}:${event.port}`;
      if (event.event === "ready") resolve();
      if (event.event === "failed") reject(new Error(`replica failed: ${event.reason}`));
    });
    child.once("exit", (code) => reject(new Error(`replica exited (${code}) before ready:\n${logs.slice(-20).join("\n")}`)));
  });
  return { baseUrl, logs, pid: child.pid, stop: () => stop(child), exited: () => child.exitCode !== null || child.signalCode !== null };
}

/**
 * What the controller adds to a replica's environment besides its token: glibc's huge-page tunable
 * (src/controller/runController.ts), from the same installation as `bin`; nothing for an installation without it.
 */
async function replicaLaunchEnv(bin) {
  const module = path.join(path.dirname(path.dirname(bin)), "dist", "replica", "engine", "weights", "hugePageTunables.js");
  if (!existsSync(module)) return {};
  const { tunablesWithHugePages } = await import(pathToFileURL(module).href);
  return { GLIBC_TUNABLES: tunablesWithHugePages(process.env.GLIBC_TUNABLES) };
}

/** llama-server on a free port; resolves once /health answers 200. */
export async function startLlamaServer({ server, modelPath, threads, slots, contextPerSlot, extraArgs = [], defaults = false }) {
  const port = await freePort();
  // `defaults`: llama-server as a user starts it (its own threads, slots and context), only the model and the port.
  const sizing = defaults
    ? []
    : ["-t", String(threads), "-tb", String(threads), "-np", String(slots), "-c", String(slots * contextPerSlot), "-no-kvu"];
  const args = ["-m", modelPath, ...sizing, "--host", "127.0.0.1", "--port", String(port), "--no-webui", ...extraArgs];
  const { child, logs, keep } = startGroup(server, args, {});
  createInterface({ input: child.stdout }).on("line", keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llama-server exited (${child.exitCode}):\n${logs.slice(-20).join("\n")}`);
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("llama-server did not become healthy in 5 minutes");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { baseUrl, logs, args, pid: child.pid, stop: () => stop(child), exited: () => child.exitCode !== null || child.signalCode !== null };
}

/** A reference front (`bench/lib/referenceFront.mjs`: `http` or `tcp`) before `upstreamPort`; resolves once it listens. */
export async function startReferenceFront(kind, upstreamPort) {
  const script = new URL("./referenceFront.mjs", import.meta.url).pathname;
  const { child, logs } = startGroup(process.execPath, [script, kind, String(upstreamPort)], {});
  const port = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", (line) => resolve(Number(line)));
    child.once("exit", (code) => reject(new Error(`reference front ${kind} exited (${code}):\n${logs.join("\n")}`)));
  });
  return { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => stop(child) };
}
