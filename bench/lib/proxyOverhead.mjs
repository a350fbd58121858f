// What the controller's proxy adds to one request: the same short requests sent straight to a replica, through the
// controller, and through reference fronts before the same replica (bench/lib/referenceFront.mjs), one at a time,
// the order rotated every round so that drift on a shared machine hits every side alike.
import { Agent, request } from "undici";
import { median, percentile } from "./stats.mjs";

async function timedRequest(url, body, dispatcher, headers) {
  const started = performance.now();
  const response = await request(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    dispatcher,
  });
  const text = await response.body.text();
  const ms = performance.now() - started;
  if (response.statusCode !== 200) throw new Error(`${url}: HTTP ${response.statusCode} ${text.slice(0, 300)}`);
  return ms;
}

const round = (value) => Math.round(value * 1000) / 1000;

/**
 * Sends `requests` POSTs of `body` to `path` straight to `directUrl`, through `proxiedUrl` and through each of
 * `references` ({ name: baseUrl }) (keep-alive, one connection each, as a client library would), after `warmup`
 * untimed rounds. Returns per side p50/p90 latency, the added p50 (proxied p50 - direct p50), the median of the
 * paired differences, and each reference's added p50. `headers` go to every side alike (the controller drops the
 * replica token a client sends and adds its own).
 */
export async function measureProxyOverhead({ directUrl, proxiedUrl, references = {}, path, body, headers = {}, requests = 200, warmup = 10 }) {
  const payload = JSON.stringify(body);
  const sides = [
    { name: "direct", url: `${directUrl}${path}` },
    { name: "proxied", url: `${proxiedUrl}${path}` },
    ...Object.entries(references).map(([name, baseUrl]) => ({ name, url: `${baseUrl}${path}` })),
  ].map((side) => ({ ...side, dispatcher: new Agent({ connections: 1, keepAliveTimeout: 30_000 }), times: [] }));
  try {
    for (let i = 0; i < warmup + requests; i++) {
      const order = sides.map((_, j) => sides[(i + j) % sides.length]);
      for (const side of order) {
        const ms = await timedRequest(side.url, payload, side.dispatcher, headers);
        if (i >= warmup) side.times.push(ms);
      }
    }
  } finally {
    await Promise.all(sides.map((side) => side.dispatcher.close()));
  }
  const [d, p] = sides.map((side) => side.times);
  const directP50 = percentile(d, 50);
  return {
    path,
    requests,
    directP50Ms: round(directP50),
    directP90Ms: round(percentile(d, 90)),
    proxiedP50Ms: round(percentile(p, 50)),
    proxiedP90Ms: round(percentile(p, 90)),
    addedP50Ms: round(percentile(p, 50) - directP50),
    pairedMedianMs: round(median(p.map((value, index) => value - d[index]))),
    references: sides.slice(2).map((side) => ({
      name: side.name,
      p50Ms: round(percentile(side.times, 50)),
      addedP50Ms: round(percentile(side.times, 50) - directP50),
    })),
  };
}
