#!/usr/bin/env node
// The controller's resident memory (VmRSS) with N replicas of the small scripted model, idle (as soon as `run`
// has returned) and after 128 streamed requests (16 at once), for one or more built checkouts side by side, interleaved
// with the order rotated; prints each run and the medians. The same procedure as the e2e bench's RSS part.
//   node bench/controllerRss.mjs --roots /path/a,/path/b [--replicas 4] [--repeat 3]
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { startInstance, stopInstanceTimed } from "./lib/instanceLifecycle.mjs";
import { forceStop, residentMemory, writeServeConfig } from "./lib/llmserveCli.mjs";
import { freePort } from "./lib/processes.mjs";
import { median } from "./lib/stats.mjs";
import { runStreams } from "./lib/streamCompletion.mjs";

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: { roots: { type: "string", default: here }, replicas: { type: "string", default: "4" }, repeat: { type: "string", default: "3" } },
});
const roots = values.roots.split(",").map((root) => path.resolve(root));
const { ensureScriptedReasoningModel } = await import(pathToFileURL(path.join(here, "dist-testmodels", "models", "ensureScriptedReasoningModel.js")).href);
const modelPath = ensureScriptedReasoningModel();
const mib = (bytes) => bytes / 2 ** 20;

async function measure(root) {
  const home = mkdtempSync(path.join(os.tmpdir(), "llmserve-controller-rss-"));
  const configPath = writeServeConfig(path.join(home, "scripted.json"), { modelId: "scripted", modelPath, port: await freePort(), replicas: Number(values.replicas), threads: 1 });
  const started = await startInstance(root, home, configPath);
  try {
    const pid = started.status.controller.pid;
    const idle = residentMemory(pid);
    await runStreams(started.endpoint, { model: "scripted", prompt: "Once upon a time", max_tokens: 16 }, { streams: 16, rounds: 8 });
    const busy = residentMemory(pid);
    await stopInstanceTimed(root, home, started.pids);
    return { idle: mib(idle.rssBytes), busy: mib(busy.rssBytes), peak: mib(busy.peakBytes), runMs: started.runMs };
  } finally {
    forceStop(root, home, started.pids);
    rmSync(home, { recursive: true, force: true });
  }
}

const runs = Object.fromEntries(roots.map((root) => [root, []]));
for (let repeat = 0; repeat < Number(values.repeat); repeat++) {
  for (let i = 0; i < roots.length; i++) {
    const root = roots[(i + repeat) % roots.length];
    const run = await measure(root);
    console.log(`${root}: idle ${run.idle.toFixed(1)} MiB, after requests ${run.busy.toFixed(1)} MiB, peak ${run.peak.toFixed(1)} MiB (run took ${run.runMs.toFixed(0)} ms)`);
    runs[root].push(run);
  }
}
for (const [root, list] of Object.entries(runs)) {
  const line = (key) => `${median(list.map((run) => run[key])).toFixed(1)} (${list.map((run) => run[key].toFixed(1)).join(" ")})`;
  console.log(`${root}: median idle ${line("idle")} MiB, after requests ${line("busy")} MiB, peak ${line("peak")} MiB`);
}
