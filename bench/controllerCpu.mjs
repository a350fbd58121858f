#!/usr/bin/env node
// The controller's CPU time per 1000 generated tokens at N streams, for one or more built checkouts side by side
// (e.g. one without /metrics and the access log, main, and a branch). CPU time of the controller process (user +
// system, from /proc/PID/stat) is what the metrics, the access log and the proxy cost, and it is far less
// sensitive to other load on a shared machine than throughput. /metrics is scraped every second, the access log is
// on (the default). Interleaved repeats, order rotated; prints each run and the medians.
//   node bench/controllerCpu.mjs --roots /path/a,/path/b [--streams 16] [--tokens 256] [--bursts 3] [--repeat 3]
//     [--cpu-prof DIR]   (a V8 CPU profile of the controller over the measured bursts into DIR, taken through the
//                         inspector it opens on SIGUSR1: open it in Chrome DevTools or speedscope)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { WebSocket } from "undici";
import { resolveBenchModel } from "./lib/benchModels.mjs";
import { startInstance, stopInstanceTimed } from "./lib/instanceLifecycle.mjs";
import { writeServeConfig } from "./lib/llmserveCli.mjs";
import { cpuTimeMs, freePort } from "./lib/processes.mjs";
import { streamCompletion } from "./lib/streamCompletion.mjs";

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    roots: { type: "string", default: here }, streams: { type: "string", default: "16" }, tokens: { type: "string", default: "256" },
    bursts: { type: "string", default: "3" }, repeat: { type: "string", default: "3" }, "cpu-prof": { type: "string" },
  },
});
const roots = values.roots.split(",").map((root) => path.resolve(root));
const streams = Number(values.streams);
const tokens = Number(values.tokens);
const model = await resolveBenchModel(here, "loop");

async function measure(root) {
  const home = mkdtempSync(path.join(os.tmpdir(), "llmserve-controller-cpu-"));
  const port = await freePort();
  const config = writeServeConfig(path.join(home, "app.json"), { modelId: "loop", modelPath: model.path, port, slots: streams, contextPerSlot: tokens + 16, threads: 1 });
  const started = await startInstance(root, home, config);
  const base = `http://127.0.0.1:${port}`;
  const pid = started.status.controller.pid;
  const burst = async () => (await Promise.all(Array.from({ length: streams }, () =>
    streamCompletion(base, { model: "loop", prompt: "x", max_tokens: tokens })))).reduce((sum, run) => sum + run.tokens, 0);
  const scraper = setInterval(() => void fetch(`${base}/metrics`).then((r) => r.text()).catch(() => undefined), 1000);
  try {
    await burst();
    const profiler = values["cpu-prof"] !== undefined ? await startProfiler(pid) : undefined;
    const before = cpuTimeMs(pid);
    let generated = 0;
    const t0 = performance.now();
    for (let i = 0; i < Number(values.bursts); i++) generated += await burst();
    const tokensPerSecond = generated / ((performance.now() - t0) / 1000);
    const cpuPer1k = (cpuTimeMs(pid) - before) / (generated / 1000);
    if (profiler !== undefined) {
      mkdirSync(values["cpu-prof"], { recursive: true });
      const file = path.join(values["cpu-prof"], `controller-${path.basename(root)}-${pid}.cpuprofile`);
      writeFileSync(file, JSON.stringify(await profiler.stop()));
      console.log(`profile: ${file}`);
    }
    return { pid, cpuPer1k, tokensPerSecond };
  } finally {
    clearInterval(scraper);
    await stopInstanceTimed(root, home, started.pids);
    rmSync(home, { recursive: true, force: true });
  }
}

/** Opens the controller's inspector (SIGUSR1, port 9229) and starts V8's sampling profiler; stop() returns the profile. */
async function startProfiler(pid) {
  process.kill(pid, "SIGUSR1");
  let targets;
  for (let i = 0; i < 50 && targets === undefined; i++) {
    targets = await fetch("http://127.0.0.1:9229/json/list").then((r) => r.json()).catch(() => undefined);
    if (targets === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
  let id = 0;
  const pending = new Map();
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    pending.get(message.id)?.(message.result);
  };
  const call = (method, params = {}) => new Promise((resolve) => {
    pending.set(++id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 200 });
  await call("Profiler.start");
  return {
    stop: async () => {
      const { profile } = await call("Profiler.stop");
      socket.close();
      return profile;
    },
  };
}

const runs = new Map(roots.map((root) => [root, []]));
for (let i = 0; i < Number(values.repeat); i++) {
  const order = roots.map((_, k) => roots[(k + i) % roots.length]);
  for (const root of order) {
    const run = await measure(root);
    runs.get(root).push(run);
    console.log(`repeat ${i + 1}: ${root}: controller ${run.cpuPer1k.toFixed(1)} CPU ms per 1k tokens, ${run.tokensPerSecond.toFixed(0)} tokens/s (pid ${run.pid})`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${streams} streams x ${tokens} tokens, medians of ${values.repeat}:`);
for (const [root, list] of runs) {
  const cpu = list.map((run) => run.cpuPer1k);
  console.log(`  ${median(cpu).toFixed(1)} CPU ms/1k tokens, ${median(list.map((run) => run.tokensPerSecond)).toFixed(0)} tokens/s (wall: noisy)  ${root}` +
    `  (runs: ${cpu.map((x) => x.toFixed(1)).join(", ")})`);
}
