import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { request, type Dispatcher } from "undici";
import { ReplicaUnreachableError } from "./errors/ReplicaUnreachableError.js";

export interface ProxyRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** The request body, already read (the controller needed `model`). */
  body: Buffer;
  baseUrl: string;
  /** Path and query on the replica (route_prefix already stripped). */
  path: string;
  dispatcher: Dispatcher;
  /** http_options.request_timeout_s; undefined = none. Streams are never cut once they started. */
  headersTimeoutMs: number | undefined;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "te",
  "trailer",
]);

/**
 * Forwards one request to a replica and streams the answer back as it arrives (SSE chunks are written through,
 * never buffered). A client that goes away aborts the upstream request, so the replica stops generating.
 * Throws ReplicaUnreachableError when nothing reached the replica (the caller may retry elsewhere).
 */
export async function proxyToReplica(proxy: ProxyRequest): Promise<void> {
  const { req, res } = proxy;
  const abort = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) abort.abort();
  };
  res.on("close", onClose);
  let upstream: Dispatcher.ResponseData;
  try {
    upstream = await request(`${proxy.baseUrl}${proxy.path}`, {
      method: (req.method ?? "GET") as Dispatcher.HttpMethod,
      headers: forwardHeaders(req.headers, proxy.body.length),
      body: proxy.body.length > 0 ? proxy.body : null,
      signal: abort.signal,
      dispatcher: proxy.dispatcher,
      headersTimeout: proxy.headersTimeoutMs ?? 0,
      bodyTimeout: 0,
    });
  } catch (error) {
    res.off("close", onClose);
    if (abort.signal.aborted) return;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "UND_ERR_SOCKET") {
      throw new ReplicaUnreachableError(proxy.baseUrl, error);
    }
    throw error;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) headers[name] = value;
  }
  res.writeHead(upstream.statusCode, headers);
  res.flushHeaders();
  try {
    await pipeline(upstream.body, res);
  } catch {
    // Client went away or the replica died mid-stream: the socket is closed either way.
    upstream.body.destroy();
  } finally {
    res.off("close", onClose);
  }
}

function forwardHeaders(headers: IncomingHttpHeaders, bodyLength: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  if (bodyLength > 0) out["content-length"] = String(bodyLength);
  return out;
}
