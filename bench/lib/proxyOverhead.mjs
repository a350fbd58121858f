// What the controller's proxy adds to one request: the same short requests sent straight to a replica and through
// the controller, one at a time, alternating (A B B A ...) so that drift on a shared machine hits both sides.
import { Agent, request } from "undici";
import { median, percentile } from "./stats.mjs";

async function timedRequest(url, body, dispatcher) {
  const started = performance.now();
  const response = await request(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    dispatcher,
  });
  const text = await response.body.text();
  const ms = performance.now() - started;
  if (response.statusCode !== 200) throw new Error(`${url}: HTTP ${response.statusCode} ${text.slice(0, 300)}`);
  return ms;
}

/**
 * Sends `requests` POSTs of `body` to `path` on each of `directUrl` and `proxiedUrl` (keep-alive, one connection
 * each, as a client library would), after `warmup` untimed ones. Returns per side p50/p90 latency, the added
 * p50 (proxied p50 - direct p50) and the median of the paired differences.
 */
export async function measureProxyOverhead({ directUrl, proxiedUrl, path, body, requests = 200, warmup = 10 }) {
  const payload = JSON.stringify(body);
  const direct = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
  const proxied = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
  const sides = [
    { url: `${directUrl}${path}`, dispatcher: direct, times: [] },
    { url: `${proxiedUrl}${path}`, dispatcher: proxied, times: [] },
  ];
  try {
    for (let i = 0; i < warmup; i++) for (const side of sides) await timedRequest(side.url, payload, side.dispatcher);
    for (let i = 0; i < requests; i++) {
      const order = i % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) side.times.push(await timedRequest(side.url, payload, side.dispatcher));
    }
  } finally {
    await Promise.all([direct.close(), proxied.close()]);
  }
  const [d, p] = sides.map((side) => side.times);
  const round = (value) => Math.round(value * 1000) / 1000;
  return {
    path,
    requests,
    directP50Ms: round(percentile(d, 50)),
    directP90Ms: round(percentile(d, 90)),
    proxiedP50Ms: round(percentile(p, 50)),
    proxiedP90Ms: round(percentile(p, 90)),
    addedP50Ms: round(percentile(p, 50) - percentile(d, 50)),
    pairedMedianMs: round(median(p.map((value, index) => value - d[index]))),
  };
}
