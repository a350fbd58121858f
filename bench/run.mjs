#!/usr/bin/env node
// `npm run bench`: builds what it needs, runs the engine bench (issue 10) and then the end-to-end bench (issue 8),
// prints tables and ratios, writes JSON to bench/results/. See bench/README.md.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runE2eBench } from "./e2e.mjs";
import { ENGINE_CONTENDERS, runEngineBench } from "./engine.mjs";
import { formatE2eTable } from "./lib/formatE2eTable.mjs";
import { formatEngineTable } from "./lib/formatEngineTable.mjs";
import { formatShortCompletionsTable, runShortCompletionsBench } from "./shortCompletions.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SUITES = ["engine", "e2e", "short"];
const { values } = parseArgs({
  options: {
    only: { type: "string" },
    models: { type: "string", default: "loop,254m" },
    "e2e-model": { type: "string", default: "254m" },
    streams: { type: "string", default: "1,4,16" },
    threads: { type: "string" },
    slots: { type: "string" },
    context: { type: "string" },
    tokens: { type: "string" },
    "e2e-tokens": { type: "string" },
    rounds: { type: "string" },
    repeat: { type: "string" },
    poll: { type: "string" },
    contenders: { type: "string", default: ENGINE_CONTENDERS.join(",") },
    "proxy-requests": { type: "string" },
    cycles: { type: "string" },
    out: { type: "string" },
    "no-build": { type: "boolean", default: false },
    installed: { type: "string" },
    "no-references": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`npm run bench -- [options]
  --only engine|e2e|short run some (default: all three, in this order); short = many short completions, a new
                          prompt per request, through the controller vs llama-server with its default flags
  --streams 1,4,16        concurrent streams (both benches)
  --threads N             CPU threads for every server (default: all cores)
  --slots N               parallel sequences (replica max_num_seqs, llama-server -np; default: max streams)
  --context N             context per slot (default 1024)
  --rounds N              requests per stream, one after another (engine 1, e2e 2)
  --repeat N              interleaved repeats per level; the median is reported (engine 2, e2e 5)
 engine bench:
  --models loop,254m      loop | 254m | 1.5b | path/to/model.gguf (comma-separated)
  --tokens N              tokens per request (default: loop 512, others 64)
  --poll N                fastDecode threadpool polling level 0-100 (default 50)
  --contenders LIST       ${ENGINE_CONTENDERS.join(",")}
 end-to-end bench:
  --e2e-model 254m        254m | 1.5b | path/to/model.gguf
  --e2e-tokens N          tokens per request (default 32)
  --proxy-requests N      short requests per side for the proxy overhead (default 200)
  --cycles N              run/shutdown cycles (default 3; the first one serves the traffic)
  --no-references         leave the reference fronts (node:http proxy, tcp relay) out of the throughput rows
  --out FILE              JSON file (only with --only)
  --no-build              skip npm run build
  --installed DIR         run llmserve from an installed package (e.g. node_modules/llmserve after installing the
                          npm pack tarball in an empty directory) instead of this clone; implies --no-build`);
  process.exit(0);
}

const list = (value) => value.split(",").map((item) => item.trim()).filter(Boolean);
const int = (value) => (value === undefined ? undefined : Number.parseInt(value, 10));
const suites = values.only !== undefined ? list(values.only) : SUITES;
for (const suite of suites) if (!SUITES.includes(suite)) throw new Error(`unknown bench ${suite} (${SUITES.join(", ")})`);
const out = suites.length === 1 ? values.out : undefined;

if (values.installed !== undefined) process.env.LLMSERVE_BENCH_INSTALLED = path.resolve(values.installed);
// Each bench runs from a fresh LLMSERVE_HOME, where a CPU replica would compile and measure the CPU kernels in the
// background (minutes of CPU) while being timed. The kernels replicas load are unchanged by this: node-llama-cpp's
// prebuilt ones, or the compiled ones a verdict installed. Set LLMSERVE_CPU_KERNELS to anything else to allow it.
process.env.LLMSERVE_CPU_KERNELS ??= "prebuilt";
console.error(`llmserve: background CPU-kernel build and measurement in bench replicas: ${process.env.LLMSERVE_CPU_KERNELS === "prebuilt" ? "off (LLMSERVE_CPU_KERNELS=prebuilt)" : "on"}`);
if (!values["no-build"] && values.installed === undefined) {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
  execFileSync(process.execPath, ["scripts/buildFastDecode.mjs"], { cwd: root, stdio: "inherit" });
}
const streams = list(values.streams).map(Number);
if (suites.includes("engine")) {
  const { result, file } = await runEngineBench({
    models: list(values.models),
    streams,
    threads: int(values.threads),
    slots: int(values.slots),
    contextPerSlot: int(values.context),
    tokens: int(values.tokens),
    rounds: int(values.rounds),
    repeat: int(values.repeat),
    poll: int(values.poll),
    contenders: list(values.contenders),
    out,
  });
  console.log(formatEngineTable(result));
  console.log(`\nJSON: ${path.relative(process.cwd(), file)}`);
}
/** What the e2e and short-completions benches share: one served model, its streams and sizes. */
const servedModelOptions = {
  model: values["e2e-model"],
  streams,
  threads: int(values.threads),
  slots: int(values.slots),
  contextPerSlot: int(values.context),
  tokens: int(values["e2e-tokens"]),
  rounds: int(values.rounds),
  repeat: int(values.repeat),
};
if (suites.includes("e2e")) {
  const { result, file } = await runE2eBench({
    ...servedModelOptions,
    proxyRequests: int(values["proxy-requests"]),
    cycles: int(values.cycles),
    references: !values["no-references"],
    out,
  });
  console.log(`\n## End-to-end\n\n${formatE2eTable(result)}`);
  console.log(`\nJSON: ${path.relative(process.cwd(), file)}`);
}
if (suites.includes("short")) {
  const result = await runShortCompletionsBench(servedModelOptions);
  const file = out ?? path.join(root, "bench", "results", `short-${result.date.replace(/[:.]/g, "-")}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n## Short completions\n\n${formatShortCompletionsTable(result)}`);
  console.log(`\nJSON: ${path.relative(process.cwd(), file)}`);
}
