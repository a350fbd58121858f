// Short-completions bench: many short /v1/completions (32 tokens), each stream with its own prompt, through the
// controller as a user runs llmserve (`run`, the controller's port), against llama-server started with its default
// flags on the same GGUF. Unlike the e2e bench's identical "hello" prompts, every request brings a new prompt, so
// prompt processing of new requests between decode steps, per-request set-up and the proxy all show.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveBenchModel } from "./lib/benchModels.mjs";
import { buildLlamaCpp, bundledLlamaCppCommit } from "./lib/buildLlamaCpp.mjs";
import { startInstance } from "./lib/instanceLifecycle.mjs";
import { prepareBenchInstance, servedModelSettings } from "./lib/benchInstance.mjs";
import { statusJson } from "./lib/llmserveCli.mjs";
import { machineInfo } from "./lib/machineInfo.mjs";
import { startLlamaServer } from "./lib/processes.mjs";
import { median, percentile } from "./lib/stats.mjs";
import { runStreams } from "./lib/streamCompletion.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MODEL_ID = "bench";
const TOPICS = ["the sea", "a red bicycle", "winter mornings", "the history of bread", "a lost key", "mountain trains", "old radios", "city gardens"];

/** A different prompt for every stream and round (different lengths too: 14-40 words). */
export function shortPrompt(stream, round) {
  const topic = TOPICS[(stream * 3 + round) % TOPICS.length];
  const filler = Array.from({ length: 10 + ((stream * 7 + round * 5) % 27) }, (_, i) => `word${(stream * 31 + round * 17 + i) % 97}`).join(" ");
  return `Request ${stream}.${round}: write a few sentences about ${topic}. Context: ${filler}.`;
}

/** Runs the bench; returns the JSON-ready result (contenders interleaved, order rotated per repeat). */
export async function runShortCompletionsBench(options = {}, log = (line) => console.error(line)) {
  const reference = buildLlamaCpp({ log });
  const model = await resolveBenchModel(root, options.model ?? "254m");
  const settings = servedModelSettings(model, options, { rounds: 4, repeat: 3 });
  const result = { kind: "short-completions", date: new Date().toISOString(), machine: machineInfo(), llamaCppCommit: reference.commit ?? bundledLlamaCppCommit(), settings };
  const instance = await prepareBenchInstance(root, "llmserve-short-", MODEL_ID, model.path, settings);
  const { home, configPath } = instance;
  try {
    const started = await startInstance(root, home, configPath);
    instance.pids = started.pids;
    const status = await statusJson(root, home);
    result.enginePath = Object.values(status.applications).flatMap((app) => Object.values(app.deployments)).flatMap((d) => d.replicas).map((r) => r.engine);
    log(`short: llmserve engine path ${result.enginePath.join("; ")}`);
    const server = await startLlamaServer({ server: reference.server, modelPath: model.path, defaults: true });
    try {
      result.llamaServerArgs = server.args.join(" ");
      const targets = {
        llmserve: { baseUrl: started.endpoint.replace(/\/$/, ""), body: { model: MODEL_ID } },
        "llama-server": { baseUrl: server.baseUrl, body: {} },
      };
      const request = (extra) => (stream, round) => ({ ...extra, prompt: shortPrompt(stream, round), max_tokens: settings.tokens, temperature: 0 });
      for (const target of Object.values(targets)) await runStreams(target.baseUrl, request(target.body), { streams: 1, rounds: 2 });
      result.levels = {};
      for (const level of settings.streams) {
        const runs = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
        for (let repeat = 0; repeat < settings.repeat; repeat++) {
          const names = Object.keys(targets);
          for (const name of names.map((_, i) => names[(i + repeat) % names.length])) {
            await new Promise((resolve) => setTimeout(resolve, settings.settleMs));
            // each repeat its own prompts: no prefix-cache hit from the previous repeat
            const body = (stream, round) => request(targets[name].body)(stream + repeat * 1000, round);
            const run = await runStreams(targets[name].baseUrl, body, { streams: level, rounds: settings.rounds });
            log(`short ${level} stream(s) ${name}: ${run.tokensPerSecond.toFixed(1)} tok/s, TTFT p50 ${percentile(run.ttftMs, 50).toFixed(1)} ms`);
            runs[name].push(run);
          }
        }
        result.levels[level] = Object.fromEntries(
          Object.entries(runs).map(([name, list]) => [
            name,
            {
              tokensPerSecond: median(list.map((run) => run.tokensPerSecond)),
              runs: list.map((run) => Math.round(run.tokensPerSecond * 10) / 10),
              ttftP50Ms: percentile(list.flatMap((run) => run.ttftMs), 50),
              ttftP99Ms: percentile(list.flatMap((run) => run.ttftMs), 99),
            },
          ]),
        );
        // per repeat, llmserve / llama-server of the same repeat (adjacent in time): the ratio noise cancels best in
        result.levels[level].pairedRatios = runs.llmserve.map((run, i) => Math.round((run.tokensPerSecond / runs["llama-server"][i].tokensPerSecond) * 100) / 100);
      }
    } finally {
      await server.stop();
    }
  } finally {
    instance.cleanup();
  }
  return result;
}

/** The table `npm run bench -- --only short` prints. */
export function formatShortCompletionsTable(result) {
  const lines = [
    `short completions: ${result.settings.model}, ${result.settings.tokens} tokens, ${result.settings.rounds} requests per stream, ${result.settings.repeat} interleaved repeats; llmserve ${result.enginePath?.join("; ")}; llama-server ${result.llamaServerArgs}`,
    "| streams | llmserve tok/s | llama-server tok/s | llmserve / llama-server (medians) | per repeat | TTFT p50 llmserve / llama-server ms |",
    "|---|---|---|---|---|---|",
  ];
  for (const [level, row] of Object.entries(result.levels)) {
    const a = row.llmserve;
    const b = row["llama-server"];
    lines.push(`| ${level} | ${a.tokensPerSecond.toFixed(1)} | ${b.tokensPerSecond.toFixed(1)} | ${(a.tokensPerSecond / b.tokensPerSecond).toFixed(2)}x | ${row.pairedRatios.join(", ")} | ${a.ttftP50Ms.toFixed(1)} / ${b.ttftP50Ms.toFixed(1)} |`);
  }
  return `${lines.join("\n")}\n`;
}
