// Markdown tables of an end-to-end bench result: the targets, then the detail behind them.

const fmt = (value, digits = 1) => (value === null || value === undefined || Number.isNaN(value) ? "-" : value.toFixed(digits));
const fmtRatio = (value) => (value === null || value === undefined ? "-" : `${value.toFixed(2)}x`);

export function formatE2eTable(result) {
  const m = result.machine;
  const s = result.settings;
  const lines = [
    `machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, load average ${m.loadAverage.join(" ")} -> ${m.loadAverageAfter?.join(" ") ?? "?"}; ` +
      `node ${m.node}, node-llama-cpp ${m.nodeLlamaCpp}, llama.cpp ${result.llamaCppCommit}`,
    `model: ${result.model.name} (${(result.model.bytes / 2 ** 20).toFixed(1)} MiB); threads ${s.threads}, slots ${s.slots}, ` +
      `context ${s.contextPerSlot}/slot, ${s.tokens} tokens per request, ${s.repeat} interleaved repeats (median); ` +
      `${s.cycles} run/shutdown cycles (median); bench took ${result.elapsedS} s`,
    "",
    "| metric | llmserve | reference | llmserve / reference | value | target | met |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const row of result.targets) {
    const digits = row.unit === "ms" && row.metric.startsWith("proxy") ? 3 : 1;
    lines.push(
      `| ${row.metric} | ${fmt(row.llmserve, digits)} | ${fmt(row.reference, digits)} | ${fmtRatio(row.ratio)} | ` +
        `${row.value !== undefined ? `${fmt(row.value, digits)} ${row.unit}` : `(${row.unit})`} | ${row.target} | ${row.met ? "yes" : "**no**"} |`,
    );
  }
  lines.push("");
  lines.push("| streams | server | tok/s (median) | tok/s (best) | TTFT p50 ms | TTFT p99 ms | requests |");
  lines.push("|---|---|---|---|---|---|---|");
  for (const [streams, level] of Object.entries(result.throughput ?? {})) {
    for (const [name, x] of Object.entries(level)) {
      lines.push(`| ${streams} | ${name} | ${fmt(x.tokensPerSecond)} | ${fmt(x.bestTokensPerSecond)} | ${fmt(x.ttftP50Ms)} | ${fmt(x.ttftP99Ms)} | ${x.ttftSamples} |`);
    }
  }
  lines.push("");
  const referenceNames = [...new Set((result.proxy ?? []).flatMap((p) => (p.references ?? []).map((front) => front.name)))];
  lines.push(
    "| proxy, one request at a time | replica p50 ms | controller p50 ms | added p50 ms | median paired difference ms | replica p90 ms | controller p90 ms |" +
      referenceNames.map((name) => ` ${name}: added p50 ms |`).join(""),
  );
  lines.push(`|---|---|---|---|---|---|---|${referenceNames.map(() => "---|").join("")}`);
  for (const p of result.proxy ?? []) {
    const references = referenceNames.map((name) => ` ${fmt(p.references?.find((front) => front.name === name)?.addedP50Ms, 3)} |`).join("");
    lines.push(`| ${p.path} x ${p.requests} | ${fmt(p.directP50Ms, 3)} | ${fmt(p.proxiedP50Ms, 3)} | ${fmt(p.addedP50Ms, 3)} | ${fmt(p.pairedMedianMs, 3)} | ${fmt(p.directP90Ms, 3)} | ${fmt(p.proxiedP90Ms, 3)} |${references}`);
  }
  lines.push("");
  lines.push("| cycle | run ms | replica start to ready ms | run minus replica ms | standalone replica ms | shutdown CLI ms | all gone ms |");
  lines.push("|---|---|---|---|---|---|---|");
  const cycles = [...(result.cycles ?? []).map((c, i) => [String(i + 1), c]), ["median", result.lifecycle]];
  if (result.memory !== undefined) cycles.push([`${result.memory.replicas} x scripted`, result.memory]);
  for (const [name, c] of cycles) {
    if (c === undefined) continue;
    lines.push(`| ${name} | ${fmt(c.runMs, 0)} | ${fmt(c.replicaReadyMs, 0)} | ${fmt(c.runOverheadMs, 0)} | ${fmt(c.standaloneReplicaMs, 0)} | ${fmt(c.shutdownCliMs, 0)} | ${fmt(c.shutdownGoneMs, 0)} |`);
  }
  if (result.memory !== undefined) {
    const mem = result.memory;
    lines.push("");
    lines.push(
      `controller RSS with ${mem.replicas} replicas: ${fmt(mem.idleRssBytes / 2 ** 20)} MiB idle, ${fmt(mem.rssBytes / 2 ** 20)} MiB after ` +
        `${mem.requests} streamed requests (peak ${fmt(mem.peakRssBytes / 2 ** 20)} MiB)`,
    );
  }
  return lines.join("\n");
}
