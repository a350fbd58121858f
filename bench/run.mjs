#!/usr/bin/env node
// `npm run bench`: builds what it needs, runs the benches side by side, prints tables and ratios, writes JSON to
// bench/results/. See bench/README.md. The end-to-end bench (issue 8) goes beside the engine bench here.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ENGINE_CONTENDERS, runEngineBench } from "./engine.mjs";
import { formatEngineTable } from "./lib/formatEngineTable.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    suite: { type: "string", default: "engine" },
    models: { type: "string", default: "loop,254m" },
    streams: { type: "string", default: "1,4,16" },
    threads: { type: "string" },
    slots: { type: "string" },
    context: { type: "string" },
    tokens: { type: "string" },
    rounds: { type: "string" },
    repeat: { type: "string" },
    poll: { type: "string" },
    contenders: { type: "string", default: ENGINE_CONTENDERS.join(",") },
    out: { type: "string" },
    "no-build": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`npm run bench -- [options]
  --models loop,254m      loop | 254m | 1.5b | path/to/model.gguf (comma-separated)
  --streams 1,4,16        concurrent streams
  --threads N             CPU threads for every server (default: all cores)
  --slots N               parallel sequences (replica max_num_seqs, llama-server -np; default: max streams)
  --context N             context per slot (default 1024)
  --tokens N              tokens per request (default: loop 512, others 64)
  --rounds N              requests per stream, one after another (default 1)
  --repeat N              interleaved repeats per level; the median is reported (default 2)
  --poll N                fastDecode threadpool polling level 0-100 (default 50)
  --contenders LIST       ${ENGINE_CONTENDERS.join(",")}
  --no-build              skip npm run build`);
  process.exit(0);
}

const list = (value) => value.split(",").map((item) => item.trim()).filter(Boolean);
const int = (value) => (value === undefined ? undefined : Number.parseInt(value, 10));

if (!values["no-build"]) {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
  execFileSync(process.execPath, ["scripts/buildFastDecode.mjs"], { cwd: root, stdio: "inherit" });
}
if (values.suite !== "engine") throw new Error(`unknown suite ${values.suite} (engine)`);
const { result, file } = await runEngineBench({
  models: list(values.models),
  streams: list(values.streams).map(Number),
  threads: int(values.threads),
  slots: int(values.slots),
  contextPerSlot: int(values.context),
  tokens: int(values.tokens),
  rounds: int(values.rounds),
  repeat: int(values.repeat),
  poll: int(values.poll),
  contenders: list(values.contenders),
  out: values.out,
});
console.log(formatEngineTable(result));
console.log(`\nJSON: ${path.relative(process.cwd(), file)}`);
