// Issue 8's targets, checked against an end-to-end result: one row per target, with both sides where there are two.
import { ratio } from "./stats.mjs";

/**
 * Rows `{ metric, llmserve, reference, ratio, unit, target, met }`: llmserve is always through the controller's
 * port; reference is llama-server (or, for the proxy, the replica straight).
 */
export function e2eTargets(result) {
  const rows = [];
  const levels = result.throughput ?? {};
  for (const [streams, level] of Object.entries(levels)) {
    const ours = level.llmserve?.tokensPerSecond;
    const theirs = level["llama-server"]?.tokensPerSecond;
    const r = ratio(ours, theirs);
    rows.push({ metric: `throughput, ${streams} stream(s)`, llmserve: ours, reference: theirs, ratio: r, unit: "tok/s", target: ">= 1.0x", met: r !== null && r >= 1 });
  }
  for (const streams of ["1", "16"]) {
    const level = levels[streams];
    if (level === undefined) continue;
    for (const p of ["P50", "P99"]) {
      const ours = level.llmserve?.[`ttft${p}Ms`];
      const theirs = level["llama-server"]?.[`ttft${p}Ms`];
      rows.push({ metric: `TTFT ${p.toLowerCase()}, ${streams} stream(s)`, llmserve: ours, reference: theirs, ratio: ratio(ours, theirs), unit: "ms", target: "<= llama-server", met: ours <= theirs });
    }
  }
  for (const proxy of result.proxy ?? []) {
    rows.push({
      metric: `proxy added p50, ${proxy.path}`,
      llmserve: proxy.proxiedP50Ms,
      reference: proxy.directP50Ms,
      ratio: null,
      value: proxy.addedP50Ms,
      unit: "ms",
      target: "< 1 ms",
      met: proxy.addedP50Ms < 1,
    });
  }
  const life = result.lifecycle;
  if (life !== undefined) {
    rows.push({ metric: "run --non-blocking minus replica load", llmserve: life.runMs, reference: life.replicaReadyMs, ratio: null, value: life.runOverheadMs, unit: "ms", target: "< 1500 ms", met: life.runOverheadMs < 1500 });
    rows.push({ metric: "shutdown -y until every process is gone", llmserve: undefined, reference: undefined, ratio: null, value: life.shutdownGoneMs, unit: "ms", target: "< 2000 ms", met: life.shutdownGoneMs < 2000 });
  }
  const memory = result.memory;
  if (memory !== undefined) {
    rows.push({ metric: `controller RSS, ${memory.replicas} replicas`, llmserve: undefined, reference: undefined, ratio: null, value: memory.rssBytes / 1e6, unit: "MB", target: "< 80 MB", met: memory.rssBytes < 80e6 });
  }
  return rows;
}
