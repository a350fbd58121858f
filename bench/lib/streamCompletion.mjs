// One streamed /v1/completions request, timed per event: what a client of an OpenAI-compatible server sees.
import { Agent, fetch } from "undici";

// The bench interleaves servers, so a connection often idles for longer than a server's keep-alive timeout (5 s for
// llmserve and llama-server). Reusing it then races the server's close ("other side closed"); closing idle sockets
// on our side after 1 s avoids the race without costing a handshake inside a measured burst.
const dispatcher = new Agent({ keepAliveTimeout: 1_000, keepAliveMaxTimeout: 1_000 });

/**
 * A server may close a kept-alive connection just as a request goes out on it (cpp-httplib, llama-server's HTTP
 * library, closes after a fixed number of requests); the request then fails before any answer arrives. It is sent
 * again once; the time counted includes the retry.
 */
async function postWithOneRetry(url, init) {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (error?.cause?.code !== "UND_ERR_SOCKET" || init.signal?.aborted) throw error;
    return fetch(url, init);
  }
}

/**
 * POSTs a streamed completion and records when each text event arrives. Returns `{ tokens, ttftMs, gapsMs,
 * totalMs }`; `tokens` is the server's usage.completion_tokens when it sends usage, else the number of text events.
 */
export async function streamCompletion(baseUrl, body, { signal } = {}) {
  const started = performance.now();
  const response = await postWithOneRetry(`${baseUrl}/v1/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
    signal,
    dispatcher,
  });
  if (!response.ok || response.body === null) {
    throw new Error(`${baseUrl}: HTTP ${response.status} ${await response.text()}`);
  }
  const arrivals = [];
  let usageTokens;
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    const now = performance.now();
    buffer += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (!line.startsWith("data:")) continue;
      const data = line.slice(5).trim();
      if (data === "[DONE]") continue;
      const event = JSON.parse(data);
      if (event.usage?.completion_tokens !== undefined) usageTokens = event.usage.completion_tokens;
      const text = event.choices?.[0]?.text ?? event.content;
      if (typeof text === "string" && text.length > 0) arrivals.push(now);
    }
  }
  const totalMs = performance.now() - started;
  if (arrivals.length === 0) throw new Error(`${baseUrl}: the stream carried no text`);
  const gapsMs = arrivals.slice(1).map((time, index) => time - arrivals[index]);
  return { tokens: usageTokens ?? arrivals.length, ttftMs: arrivals[0] - started, gapsMs, totalMs };
}

/**
 * `streams` clients at once, each sending `rounds` requests one after another; `body` is the request, or a function
 * of (stream, round) giving each its own. Returns aggregate tokens/s over the wall time, time-to-first-token and
 * inter-token gaps of all requests.
 */
export async function runStreams(baseUrl, body, { streams, rounds }) {
  const results = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: streams }, async (_, stream) => {
      for (let round = 0; round < rounds; round++) {
        results.push(await streamCompletion(baseUrl, typeof body === "function" ? body(stream, round) : body));
      }
    }),
  );
  const wallMs = performance.now() - started;
  const tokens = results.reduce((sum, result) => sum + result.tokens, 0);
  return {
    tokens,
    wallMs,
    tokensPerSecond: (tokens / wallMs) * 1000,
    ttftMs: results.map((result) => result.ttftMs),
    gapsMs: results.flatMap((result) => result.gapsMs),
  };
}
