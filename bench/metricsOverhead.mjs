#!/usr/bin/env node
// A/B of the observability cost: the same loop-model instance at 16 streams, run from a baseline checkout (built,
// without /metrics and the access log, e.g. the commit before them) and from this one with the access log on and
// /metrics scraped every second. Interleaved repeats; prints tokens/s per run and the ratio of the medians.
//   node bench/metricsOverhead.mjs --baseline /path/to/other/checkout [--streams 16] [--tokens 256] [--repeat 3]
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { resolveBenchModel } from "./lib/benchModels.mjs";
import { startInstance, stopInstanceTimed } from "./lib/instanceLifecycle.mjs";
import { writeServeConfig } from "./lib/llmserveCli.mjs";
import { streamCompletion } from "./lib/streamCompletion.mjs";
import { freePort } from "./lib/processes.mjs";

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: { baseline: { type: "string" }, streams: { type: "string", default: "16" }, tokens: { type: "string", default: "256" }, repeat: { type: "string", default: "3" } },
});
if (values.baseline === undefined) throw new Error("--baseline /path/to/checkout is required");
const streams = Number(values.streams);
const tokens = Number(values.tokens);
const model = await resolveBenchModel(here, "loop");

async function measure(root, scrape) {
  const home = mkdtempSync(path.join(os.tmpdir(), "llmserve-metrics-ab-"));
  const port = await freePort();
  const config = writeServeConfig(path.join(home, "app.json"), { modelId: "loop", modelPath: model.path, port, slots: streams, contextPerSlot: tokens + 16, threads: 1 });
  const started = await startInstance(root, home, config);
  const base = `http://127.0.0.1:${port}`;
  const burst = async () => {
    const t0 = performance.now();
    const runs = await Promise.all(Array.from({ length: streams }, () => streamCompletion(base, { model: "loop", prompt: "x", max_tokens: tokens })));
    return runs.reduce((sum, run) => sum + run.tokens, 0) / ((performance.now() - t0) / 1000);
  };
  let scraper;
  try {
    await burst();
    if (scrape) scraper = setInterval(() => void fetch(`${base}/metrics`).then((r) => r.text()).catch(() => undefined), 1000);
    const cpuBefore = cpuMs(started.status.controller.pid);
    const rates = [await burst(), await burst()];
    // The controller's CPU per 1000 tokens: where the metrics and the access log cost, and far less noisy than
    // throughput on a shared machine.
    const controllerCpuPer1k = (cpuMs(started.status.controller.pid) - cpuBefore) / ((2 * streams * tokens) / 1000);
    return { rate: Math.max(...rates), controllerCpuPer1k };
  } finally {
    clearInterval(scraper);
    await stopInstanceTimed(root, home, started.pids);
    rmSync(home, { recursive: true, force: true });
  }
}

/** utime + stime of a process in ms (clock ticks of 10 ms). */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const baseline = [];
const current = [];
for (let i = 0; i < Number(values.repeat); i++) {
  // Alternating order, so a load change on the machine does not always hit the same side.
  const order = i % 2 === 0 ? [false, true] : [true, false];
  for (const observed of order) {
    const run = await measure(observed ? here : path.resolve(values.baseline), observed);
    (observed ? current : baseline).push(run);
  }
  console.log(`repeat ${i + 1}: baseline ${baseline.at(-1).rate.toFixed(1)} tok/s (controller ${baseline.at(-1).controllerCpuPer1k.toFixed(1)} CPU ms/1k tokens), ` +
    `metrics+access log ${current.at(-1).rate.toFixed(1)} tok/s (${current.at(-1).controllerCpuPer1k.toFixed(1)})`);
}
const rate = (runs) => median(runs.map((run) => run.rate));
const cpu = (runs) => median(runs.map((run) => run.controllerCpuPer1k));
console.log(`${streams} streams x ${tokens} tokens: median ${rate(baseline).toFixed(1)} vs ${rate(current).toFixed(1)} tok/s, ratio ${(rate(current) / rate(baseline)).toFixed(3)}; ` +
  `controller CPU ${cpu(baseline).toFixed(1)} vs ${cpu(current).toFixed(1)} ms per 1k tokens`);
