#!/usr/bin/env node
// A/B of the observability cost: the same loop-model instance at 16 streams, run from a baseline checkout (built,
// without /metrics and the access log, e.g. the commit before them) and from this one with the access log on and
// /metrics scraped every second. Interleaved repeats; prints tokens/s per run and the ratio of the medians.
//   node bench/metricsOverhead.mjs --baseline /path/to/other/checkout [--streams 16] [--tokens 256] [--repeat 3]
import { mkdtempSync, rmSync } from "node:fs";
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
    const rates = [await burst(), await burst()];
    return Math.max(...rates);
  } finally {
    clearInterval(scraper);
    await stopInstanceTimed(root, home, started.pids);
    rmSync(home, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const baseline = [];
const current = [];
for (let i = 0; i < Number(values.repeat); i++) {
  baseline.push(await measure(path.resolve(values.baseline), false));
  current.push(await measure(here, true));
  console.log(`repeat ${i + 1}: baseline ${baseline.at(-1).toFixed(1)} tok/s, metrics+access log ${current.at(-1).toFixed(1)} tok/s`);
}
console.log(`${streams} streams x ${tokens} tokens: median ${median(baseline).toFixed(1)} vs ${median(current).toFixed(1)} tok/s, ratio ${(median(current) / median(baseline)).toFixed(3)}`);
