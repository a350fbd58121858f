// Engine bench (issue 10): llmserve's replica with node-llama-cpp's stock decode path and with fastDecode, against
// llama-server built from the same llama.cpp source, and llama-bench as the engine's limit. Same GGUF, same
// threads, same slots, same requests; one run, servers interleaved so that drift on a shared machine hits all.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveBenchModel } from "./lib/benchModels.mjs";
import { buildLlamaCpp, bundledLlamaCppCommit } from "./lib/buildLlamaCpp.mjs";
import { runLlamaBench } from "./lib/llamaBench.mjs";
import { llmserveBin } from "./lib/llmserveCli.mjs";
import { machineInfo } from "./lib/machineInfo.mjs";
import { cpuTimeMs, startLlamaServer, startReplica } from "./lib/processes.mjs";
import { median, percentile, ratio } from "./lib/stats.mjs";
import { runStreams } from "./lib/streamCompletion.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ENGINE_CONTENDERS = ["stock", "fast", "llama-server", "llama-bench"];
const PROMPT = "hello";

function writeReplicaConfig(dir, model, { slots, contextPerSlot }) {
  const config = {
    applications: [
      {
        name: "bench",
        route_prefix: "/",
        args: {
          llm_configs: [
            {
              model_loading_config: { model_id: "bench", model_source: model.path },
              accelerator_type: "CPU",
              deployment_config: { num_replicas: 1, max_queued_requests: 1000 },
              engine_kwargs: { max_model_len: contextPerSlot, max_num_seqs: slots },
            },
          ],
        },
      },
    ],
  };
  const file = path.join(dir, "bench.yaml");
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

async function startServers(model, options, log) {
  const servers = {};
  const home = mkdtempSync(path.join(os.tmpdir(), "llmserve-bench-"));
  const configPath = writeReplicaConfig(home, model, options);
  const bin = llmserveBin(root);
  for (const name of ["stock", "fast"]) {
    if (!options.contenders.includes(name)) continue;
    const mode = name === "fast" ? "on" : "off";
    const env = { LLMSERVE_THREADS: String(options.threads), LLMSERVE_FAST_DECODE: mode, LLMSERVE_ALIGN_DECODE: mode };
    if (options.poll !== undefined) env.LLMSERVE_THREADPOOL_POLL = String(options.poll);
    const replica = await startReplica({ bin, configPath, modelId: "bench", env, home });
    const pool = replica.logs.find((line) => line.includes("decode threadpool:")) ?? "decode threadpool: unknown";
    if (name === "fast" && !pool.includes("persistent")) log(`warning: the fast replica runs without fastDecode: ${pool}`);
    const build = /llama\.cpp (local build|prebuilt)/.exec(replica.logs.find((line) => line.includes("backend:")) ?? "")?.[1] ?? "unknown";
    const weights = /weights: ([\w-]+)/.exec(replica.logs.find((line) => line.includes("weights: ")) ?? "")?.[1] ?? "unknown";
    servers[name] = { ...replica, body: { model: "bench" }, note: `${pool.replace(/^.*decode threadpool: /, "decode threadpool: ")}; llama.cpp ${build}; weights ${weights}` };
  }
  if (options.contenders.includes("llama-server")) {
    const server = await startLlamaServer({
      server: options.reference.server,
      modelPath: model.path,
      threads: options.threads,
      slots: options.slots,
      contextPerSlot: options.contextPerSlot,
      // e.g. "-lm none" (with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 in the environment: llama.cpp with huge-page weights)
      extraArgs: (process.env.LLMSERVE_BENCH_LLAMA_SERVER_ARGS ?? "").split(" ").filter((arg) => arg !== ""),
    });
    servers["llama-server"] = { ...server, body: {}, note: server.args.join(" ") };
  }
  return { servers, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

function summarize(runs) {
  return {
    tokensPerSecond: median(runs.map((run) => run.tokensPerSecond)),
    // The best run: interference from other processes only ever slows a run down.
    bestTokensPerSecond: Math.max(...runs.map((run) => run.tokensPerSecond)),
    cpuMsPerToken: median(runs.map((run) => run.cpuMsPerToken ?? Number.NaN)),
    ttftP50Ms: percentile(runs.flatMap((run) => run.ttftMs), 50),
    ttftP99Ms: percentile(runs.flatMap((run) => run.ttftMs), 99),
    itlP50Ms: percentile(runs.flatMap((run) => run.gapsMs), 50),
    itlP99Ms: percentile(runs.flatMap((run) => run.gapsMs), 99),
    tokens: runs.reduce((sum, run) => sum + run.tokens, 0),
    runs: runs.map((run) => Math.round(run.tokensPerSecond * 10) / 10),
  };
}

async function benchModel(model, options, log) {
  const tokens = options.tokens ?? model.tokens;
  const body = { prompt: PROMPT, max_tokens: tokens, temperature: 0 };
  const result = { model: { name: model.name, path: model.path, bytes: model.bytes }, tokensPerRequest: tokens, levels: {}, servers: {} };
  const { servers, cleanup } = await startServers(model, options, log);
  try {
    for (const [name, server] of Object.entries(servers)) {
      result.servers[name] = server.note;
      // Warm-up (JIT, caches, page cache) with the measured request shape, not counted.
      await runStreams(server.baseUrl, { ...server.body, ...body }, { streams: 1, rounds: 2 });
    }
    for (const streams of options.streams) {
      const runs = Object.fromEntries(Object.keys(servers).map((name) => [name, []]));
      for (let repeat = 0; repeat < options.repeat; repeat++) {
        for (const [name, server] of Object.entries(servers)) {
          const cpuBefore = cpuTimeMs(server.pid);
          let run;
          try {
            run = await runStreams(server.baseUrl, { ...server.body, ...body }, { streams, rounds: options.rounds });
          } catch (error) {
            throw new Error(`${name} failed at ${streams} stream(s): ${error.message} (${error.cause?.code ?? "no code"}); ` +
              `its process ${server.exited?.() ? "has exited" : "still runs"}; its last log lines:\n${server.logs.slice(-15).join("\n")}`);
          }
          const cpuAfter = cpuTimeMs(server.pid);
          if (cpuBefore !== undefined && cpuAfter !== undefined) run.cpuMsPerToken = (cpuAfter - cpuBefore) / run.tokens;
          log(`${model.name} ${streams} stream(s) ${name}: ${run.tokensPerSecond.toFixed(1)} tok/s`);
          runs[name].push(run);
        }
      }
      result.levels[streams] = Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, summarize(list)]));
    }
  } finally {
    for (const server of Object.values(servers)) await server.stop();
    cleanup();
  }
  if (options.contenders.includes("llama-bench")) {
    const limit = runLlamaBench({ bench: options.reference.bench, modelPath: model.path, threads: options.threads, tokens });
    log(`${model.name} llama-bench: ${limit.tokensPerSecond.toFixed(1)} tok/s`);
    result.llamaBench = limit;
  }
  result.ratios = ratiosOf(result, options.streams);
  return result;
}

function ratiosOf(result, streamLevels) {
  const rows = {};
  for (const streams of streamLevels) {
    const level = result.levels[streams] ?? {};
    const tps = (name) => level[name]?.tokensPerSecond;
    rows[streams] = {
      fastVsLlamaServer: ratio(tps("fast"), tps("llama-server")),
      stockVsLlamaServer: ratio(tps("stock"), tps("llama-server")),
      fastVsStock: ratio(tps("fast"), tps("stock")),
      bestFastVsLlamaServer: ratio(level.fast?.bestTokensPerSecond, level["llama-server"]?.bestTokensPerSecond),
      bestStockVsLlamaServer: ratio(level.stock?.bestTokensPerSecond, level["llama-server"]?.bestTokensPerSecond),
      cpuPerTokenFastVsLlamaServer: ratio(level.fast?.cpuMsPerToken, level["llama-server"]?.cpuMsPerToken),
      fastVsLlamaBench: streams === 1 ? ratio(tps("fast"), result.llamaBench?.tokensPerSecond) : null,
      llamaServerVsLlamaBench: streams === 1 ? ratio(tps("llama-server"), result.llamaBench?.tokensPerSecond) : null,
      fastTtftP50VsLlamaServer: ratio(level.fast?.ttftP50Ms, level["llama-server"]?.ttftP50Ms),
      fastItlP50VsLlamaServer: ratio(level.fast?.itlP50Ms, level["llama-server"]?.itlP50Ms),
      fastItlP99VsLlamaServer: ratio(level.fast?.itlP99Ms, level["llama-server"]?.itlP99Ms),
    };
  }
  const one = result.levels[streamLevels[0]];
  const four = result.levels[4];
  if (one !== undefined && four !== undefined && streamLevels[0] === 1) {
    rows.scaling4vs1 = Object.fromEntries(Object.keys(four).map((name) => [name, ratio(four[name].tokensPerSecond, one[name]?.tokensPerSecond)]));
  }
  return rows;
}

/** Runs the whole engine bench; returns the JSON-ready result and writes it under bench/results/. */
export async function runEngineBench(options, log = (line) => console.error(line)) {
  const contenders = options.contenders ?? ENGINE_CONTENDERS;
  const needsReference = contenders.includes("llama-server") || contenders.includes("llama-bench");
  const reference = needsReference ? buildLlamaCpp({ log }) : undefined;
  const streams = options.streams ?? [1, 4, 16];
  const resolved = {
    contenders,
    reference,
    streams,
    threads: options.threads ?? os.availableParallelism(),
    slots: options.slots ?? Math.max(...streams),
    contextPerSlot: options.contextPerSlot ?? 1024,
    tokens: options.tokens,
    rounds: options.rounds ?? 1,
    repeat: options.repeat ?? 2,
    poll: options.poll,
  };
  const result = {
    kind: "engine",
    date: new Date().toISOString(),
    machine: machineInfo(),
    llamaCppCommit: reference?.commit ?? bundledLlamaCppCommit(),
    settings: { ...resolved, reference: undefined },
    models: [],
  };
  for (const spec of options.models ?? ["loop", "254m"]) {
    const model = await resolveBenchModel(root, spec);
    result.models.push(await benchModel(model, resolved, log));
  }
  result.machine.loadAverageAfter = machineInfo().loadAverage;
  const dir = path.join(root, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = options.out ?? path.join(dir, `engine-${result.date.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return { result, file };
}
