// End-to-end bench (issue 8): llmserve as a user runs it (`run --non-blocking`, requests through the controller's
// port, `shutdown -y`) against llama-server built from the same llama.cpp source, on the same GGUF with the same
// threads and slots. Also the proxy's own cost, the lifecycle overheads and the controller's memory.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { resolveBenchModel } from "./lib/benchModels.mjs";
import { buildLlamaCpp, bundledLlamaCppCommit } from "./lib/buildLlamaCpp.mjs";
import { prepareBenchInstance, servedModelSettings } from "./lib/benchInstance.mjs";
import { e2eTargets } from "./lib/e2eTargets.mjs";
import { startInstance, stopInstanceTimed } from "./lib/instanceLifecycle.mjs";
import { forceStop, llmserveBin, residentMemory, writeServeConfig } from "./lib/llmserveCli.mjs";
import { machineInfo } from "./lib/machineInfo.mjs";
import { freePort, startLlamaServer, startReferenceFront, startReplica } from "./lib/processes.mjs";
import { measureProxyOverhead } from "./lib/proxyOverhead.mjs";
import { median, percentile } from "./lib/stats.mjs";
import { runStreams } from "./lib/streamCompletion.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MODEL_ID = "bench";

/** Throughput and time to first token at each stream level, contenders interleaved within each repeat. */
async function measureThroughput(targets, options, log) {
  const body = { prompt: "hello", max_tokens: options.tokens, temperature: 0 };
  for (const target of Object.values(targets)) await runStreams(target.baseUrl, { ...target.body, ...body }, { streams: 1, rounds: 2, headers: target.headers });
  const levels = {};
  for (const streams of options.streams) {
    const runs = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
    for (let repeat = 0; repeat < options.repeat; repeat++) {
      // Rotate the order too, so that no contender always runs right after the same one.
      const names = Object.keys(targets);
      const order = names.map((_, i) => names[(i + repeat) % names.length]);
      for (const name of order) {
        // Let the previous contender's spinning threads (OpenMP, ggml's pool) go idle first: fair to whoever is next.
        await new Promise((resolve) => setTimeout(resolve, options.settleMs));
        const run = await runStreams(targets[name].baseUrl, { ...targets[name].body, ...body }, { streams, rounds: options.rounds, headers: targets[name].headers });
        log(`e2e ${streams} stream(s) ${name}: ${run.tokensPerSecond.toFixed(1)} tok/s, TTFT p50 ${percentile(run.ttftMs, 50).toFixed(1)} ms`);
        runs[name].push(run);
      }
    }
    levels[streams] = Object.fromEntries(
      Object.entries(runs).map(([name, list]) => [
        name,
        {
          tokensPerSecond: median(list.map((run) => run.tokensPerSecond)),
          bestTokensPerSecond: Math.max(...list.map((run) => run.tokensPerSecond)),
          ttftP50Ms: percentile(list.flatMap((run) => run.ttftMs), 50),
          ttftP99Ms: percentile(list.flatMap((run) => run.ttftMs), 99),
          ttftSamples: list.reduce((sum, run) => sum + run.ttftMs.length, 0),
          runs: list.map((run) => Math.round(run.tokensPerSecond * 10) / 10),
        },
      ]),
    );
  }
  return levels;
}

/** One lifecycle cycle without traffic: a standalone replica start (the load alone), then run, then shutdown. */
async function lifecycleCycle(home, configPath, options) {
  const standalone = await timedStandaloneReplica(home, configPath, options);
  const started = await startInstance(root, home, configPath);
  const stopped = await stopInstanceTimed(root, home, started.pids);
  return cycleRecord(standalone, started, stopped);
}

async function timedStandaloneReplica(home, configPath, options) {
  const t0 = performance.now();
  const replica = await startReplica({
    bin: llmserveBin(root),
    configPath,
    modelId: MODEL_ID,
    env: { LLMSERVE_THREADS: String(options.threads) },
    home,
  });
  const ms = performance.now() - t0;
  await replica.stop();
  return ms;
}

function cycleRecord(standaloneReplicaMs, started, stopped) {
  return {
    runMs: started.runMs,
    replicaReadyMs: started.replicaMs,
    runOverheadMs: started.overheadMs,
    standaloneReplicaMs,
    shutdownCliMs: stopped.cliMs,
    shutdownGoneMs: stopped.goneMs,
  };
}

/** The controller's resident memory with `replicas` replicas of the small scripted model, idle and after traffic. */
async function measureControllerMemory(home, options, log) {
  const { ensureScriptedReasoningModel } = await import(pathToFileURL(path.join(root, "dist-testmodels", "models", "ensureScriptedReasoningModel.js")).href);
  const configPath = writeServeConfig(path.join(home, "scripted.yaml"), {
    modelId: "scripted",
    modelPath: ensureScriptedReasoningModel(),
    port: await freePort(),
    replicas: options.rssReplicas,
    threads: 1,
  });
  const started = await startInstance(root, home, configPath);
  try {
    const controllerPid = started.status.controller.pid;
    const idle = residentMemory(controllerPid);
    const traffic = await runStreams(started.endpoint, { model: "scripted", prompt: "Once upon a time", max_tokens: 16 }, { streams: 16, rounds: 8 });
    const busy = residentMemory(controllerPid);
    log(`e2e controller RSS with ${started.replicas.length} replicas: idle ${(idle.rssBytes / 2 ** 20).toFixed(1)} MiB, after ${traffic.ttftMs.length} requests ${(busy.rssBytes / 2 ** 20).toFixed(1)} MiB`);
    const stopped = await stopInstanceTimed(root, home, started.pids);
    return {
      replicas: started.replicas.length,
      idleRssBytes: idle.rssBytes,
      rssBytes: busy.rssBytes,
      peakRssBytes: busy.peakBytes,
      requests: traffic.ttftMs.length,
      runMs: started.runMs,
      replicaReadyMs: started.replicaMs,
      runOverheadMs: started.overheadMs,
      shutdownCliMs: stopped.cliMs,
      shutdownGoneMs: stopped.goneMs,
    };
  } finally {
    forceStop(root, home, started.pids);
  }
}

/** Runs the whole end-to-end bench; returns the JSON-ready result and writes it under bench/results/. */
export async function runE2eBench(options = {}, log = (line) => console.error(line)) {
  const began = performance.now();
  const reference = buildLlamaCpp({ log });
  const model = await resolveBenchModel(root, options.model ?? "254m");
  const settings = {
    ...servedModelSettings(model, options, { rounds: 2, repeat: 5 }),
    proxyRequests: options.proxyRequests ?? 200,
    // The reference fronts also as throughput contenders (off: --no-references, for a quicker run).
    references: options.references ?? true,
    cycles: options.cycles ?? 3,
    rssReplicas: options.rssReplicas ?? 4,
  };
  const result = {
    kind: "e2e",
    date: new Date().toISOString(),
    machine: machineInfo(),
    llamaCppCommit: reference.commit ?? bundledLlamaCppCommit(),
    settings,
    model: { name: model.name, path: model.path, bytes: model.bytes },
  };
  const instance = await prepareBenchInstance(root, "llmserve-e2e-", MODEL_ID, model.path, settings);
  const { home, configPath } = instance;
  try {
    // Cycle 1 serves the traffic; the others only run and shut down. The standalone replica start comes first in
    // each cycle, so the run never gets a colder page cache than the load it is compared with.
    const standaloneMs = await timedStandaloneReplica(home, configPath, settings);
    const started = await startInstance(root, home, configPath);
    instance.pids = started.pids;
    log(`e2e run --non-blocking: ${started.runMs.toFixed(0)} ms (replica start to ready ${started.replicaMs.toFixed(0)} ms)`);
    const replica = started.replicas[0];
    const controllerUrl = started.endpoint.replace(/\/$/, "");
    // Reference fronts before the same replica (bench/lib/referenceFront.mjs): what one more process hop costs on
    // this machine whatever the code, for the throughput rows and the proxy overhead.
    const fronts = [await startReferenceFront("http", replica.port), await startReferenceFront("tcp", replica.port)];
    // The replica serves only with the controller's secret; the bench, as the same user, reads it from the
    // replica's environment and sends it to the replica directly and through the reference fronts.
    const replicaHeaders = { "x-llmserve-replica-token": replica.token };
    const references = { "node:http proxy": fronts[0].baseUrl, "tcp relay": fronts[1].baseUrl };
    try {
      const server = await startLlamaServer({
        server: reference.server,
        modelPath: model.path,
        threads: settings.threads,
        slots: settings.slots,
        contextPerSlot: settings.contextPerSlot,
      });
      try {
        result.llamaServerArgs = server.args.join(" ");
        const targets = {
          llmserve: { baseUrl: controllerUrl, body: { model: MODEL_ID } },
          replica: { baseUrl: replica.baseUrl, body: { model: MODEL_ID }, headers: replicaHeaders },
          ...(settings.references
            ? Object.fromEntries(Object.entries(references).map(([name, baseUrl]) => [name, { baseUrl, body: { model: MODEL_ID }, headers: replicaHeaders }]))
            : {}),
          "llama-server": { baseUrl: server.baseUrl, body: {} },
        };
        result.throughput = await measureThroughput(targets, settings, log);
      } finally {
        await server.stop();
      }
      result.proxy = [];
      for (const [pathName, body] of [
        ["/v1/completions", { model: MODEL_ID, prompt: "hello", max_tokens: 1, temperature: 0 }],
        ["/tokenize", { model: MODEL_ID, prompt: "hello" }],
      ]) {
        const measured = await measureProxyOverhead({ directUrl: replica.baseUrl, proxiedUrl: controllerUrl, references, path: pathName, body, headers: replicaHeaders, requests: settings.proxyRequests });
        const added = measured.references.map((front) => `${front.name} +${front.addedP50Ms} ms`).join(", ");
        log(`e2e proxy ${pathName}: direct p50 ${measured.directP50Ms} ms, through the controller +${measured.addedP50Ms} ms (${added})`);
        result.proxy.push(measured);
      }
    } finally {
      await Promise.all(fronts.map((front) => front.stop()));
    }
    const stopped = await stopInstanceTimed(root, home, instance.pids);
    log(`e2e shutdown -y: ${stopped.goneMs.toFixed(0)} ms until every process is gone`);
    result.cycles = [cycleRecord(standaloneMs, started, stopped)];
    for (let cycle = 1; cycle < settings.cycles; cycle++) {
      const record = await lifecycleCycle(home, configPath, settings);
      log(`e2e cycle ${cycle + 1}: run ${record.runMs.toFixed(0)} ms (replica ${record.replicaReadyMs.toFixed(0)} ms), shutdown ${record.shutdownGoneMs.toFixed(0)} ms`);
      result.cycles.push(record);
    }
    result.lifecycle = Object.fromEntries(
      Object.keys(result.cycles[0]).map((key) => [key, median(result.cycles.map((cycle) => cycle[key]))]),
    );
    result.memory = await measureControllerMemory(home, settings, log);
  } finally {
    instance.cleanup();
  }
  result.targets = e2eTargets(result);
  result.machine.loadAverageAfter = machineInfo().loadAverage;
  result.elapsedS = Math.round((performance.now() - began) / 100) / 10;
  const dir = path.join(root, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = options.out ?? path.join(dir, `e2e-${result.date.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return { result, file };
}

