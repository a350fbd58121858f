// Markdown tables of an engine bench result: absolute figures per server, then the ratios.

const fmt = (value, digits = 1) => (value === null || value === undefined || Number.isNaN(value) ? "-" : value.toFixed(digits));
const fmtRatio = (value) => (value === null || value === undefined ? "-" : `${value.toFixed(2)}x`);

export function formatEngineTable(result) {
  const lines = [];
  const m = result.machine;
  lines.push(
    `machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, load average ${m.loadAverage.join(" ")} -> ${m.loadAverageAfter?.join(" ") ?? "?"}; ` +
      `node ${m.node}, node-llama-cpp ${m.nodeLlamaCpp}, llama.cpp ${result.llamaCppCommit}; threads ${result.settings.threads}, ` +
      `slots ${result.settings.slots}, ${result.settings.repeat} interleaved repeats (median); llmserve from ${m.llmserve ?? "this clone"}`,
  );
  for (const model of result.models) {
    lines.push("");
    lines.push(`### ${model.model.name} (${(model.model.bytes / 2 ** 20).toFixed(1)} MiB), ${model.tokensPerRequest} tokens per request`);
    lines.push("");
    lines.push("| streams | server | tok/s (median) | tok/s (best) | CPU ms/token | TTFT p50 ms | TTFT p99 ms | ITL p50 ms | ITL p99 ms |");
    lines.push("|---|---|---|---|---|---|---|---|---|");
    for (const [streams, level] of Object.entries(model.levels)) {
      for (const [name, s] of Object.entries(level)) {
        lines.push(`| ${streams} | ${name} | ${fmt(s.tokensPerSecond)} | ${fmt(s.bestTokensPerSecond)} | ${fmt(s.cpuMsPerToken, 3)} | ${fmt(s.ttftP50Ms)} | ${fmt(s.ttftP99Ms)} | ${fmt(s.itlP50Ms, 2)} | ${fmt(s.itlP99Ms, 2)} |`);
      }
    }
    if (model.llamaBench !== undefined) lines.push(`| 1 | llama-bench | ${fmt(model.llamaBench.tokensPerSecond)} | - | - | - | - | - | - |`);
    lines.push("");
    lines.push(
      "| streams | fast / llama-server | (best runs) | stock / llama-server | (best runs) | fast / stock | fast / llama-bench | " +
        "CPU per token fast / llama-server | ITL p50 fast / llama-server | TTFT p50 fast / llama-server |",
    );
    lines.push("|---|---|---|---|---|---|---|---|---|---|");
    for (const [streams, r] of Object.entries(model.ratios)) {
      if (streams === "scaling4vs1") continue;
      lines.push(
        `| ${streams} | ${fmtRatio(r.fastVsLlamaServer)} | ${fmtRatio(r.bestFastVsLlamaServer)} | ${fmtRatio(r.stockVsLlamaServer)} | ` +
          `${fmtRatio(r.bestStockVsLlamaServer)} | ${fmtRatio(r.fastVsStock)} | ${fmtRatio(r.fastVsLlamaBench)} | ` +
          `${fmtRatio(r.cpuPerTokenFastVsLlamaServer)} | ${fmtRatio(r.fastItlP50VsLlamaServer)} | ${fmtRatio(r.fastTtftP50VsLlamaServer)} |`,
      );
    }
    const scaling = model.ratios.scaling4vs1;
    if (scaling !== undefined) {
      lines.push("");
      lines.push(`4 streams / 1 stream (aggregate tok/s): ${Object.entries(scaling).map(([name, value]) => `${name} ${fmtRatio(value)}`).join(", ")}`);
    }
  }
  return lines.join("\n");
}
