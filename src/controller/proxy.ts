import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import { REPLICA_TOKEN_HEADER } from "../protocol/replicaToken.js";
import { sendHeadWithFirstChunk } from "../sendHeadWithFirstChunk.js";
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
  /** Sent as `x-llmserve-replica-token` (whatever the client sent under that name is dropped). */
  replicaToken?: string | undefined;
  /** Sees the answer as it passes (metrics, access log); called in the same tick, must not block. */
  tap?: ResponseTap;
}

export interface ResponseTap {
  head: (statusCode: number, headers: Record<string, string | string[] | undefined>) => void;
  data: (chunk: Buffer) => void;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "host",
  "te",
  "trailer",
]);

/**
 * Forwards one request to a replica and streams the answer back as it arrives (SSE chunks are written through,
 * never buffered; a slow client pauses the replica's stream). A client that goes away aborts the upstream request,
 * so the replica stops generating. Rejects with ReplicaUnreachableError when nothing reached the replica (the caller
 * may retry elsewhere), with undici's error when the replica failed before answering; resolves otherwise.
 *
 * undici's dispatch handler rather than `request()` + a stream pipeline: each response chunk goes to the client in
 * the same tick it arrives, with no promise or stream hops in between (bench/README.md, proxy overhead).
 */
export function proxyToReplica(proxy: ProxyRequest): Promise<void> {
  const { req, res } = proxy;
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let answered = false;
    let clientGone = false;
    const onClose = (): void => {
      if (res.writableFinished) return;
      clientGone = true;
      controller?.abort(new Error("the client went away"));
    };
    res.on("close", onClose);
    const settle = (error?: unknown): void => {
      res.off("close", onClose);
      if (error === undefined) resolve();
      else reject(error);
    };

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(dispatchController) {
        controller = dispatchController;
        if (clientGone) dispatchController.abort(new Error("the client went away"));
      },
      onResponseStart(_controller, statusCode, headers) {
        answered = true;
        proxy.tap?.head(statusCode, headers);
        res.writeHead(statusCode, responseHeaders(headers));
        // A body of known length follows at once and leaves in the same write as the head. So does a stream's first
        // chunk when the replica sent them together; a head that came alone (the replica already waited for its
        // first chunk) is passed on at once.
        if (headers["content-length"] === undefined) sendHeadWithFirstChunk(res, 0);
      },
      onResponseData(dispatchController, chunk) {
        if (res.destroyed) return;
        proxy.tap?.data(chunk);
        if (!res.write(chunk)) {
          dispatchController.pause();
          res.once("drain", () => dispatchController.resume());
        }
      },
      onResponseEnd() {
        res.end();
        settle();
      },
      onResponseError(_controller, error) {
        if (clientGone) return settle();
        if (answered) {
          // The replica died mid-answer: the client can only learn it from a cut connection.
          res.destroy();
          return settle();
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "UND_ERR_SOCKET") {
          return settle(new ReplicaUnreachableError(proxy.baseUrl, error));
        }
        settle(error);
      },
    };

    try {
      proxy.dispatcher.dispatch(
        {
          origin: proxy.baseUrl,
          path: proxy.path,
          method: (req.method ?? "GET") as Dispatcher.HttpMethod,
          headers: forwardHeaders(req.headers, proxy.body.length, proxy.replicaToken),
          body: proxy.body.length > 0 ? proxy.body : null,
          headersTimeout: proxy.headersTimeoutMs ?? 0,
          bodyTimeout: 0,
        },
        handler,
      );
    } catch (error) {
      settle(error);
    }
  });
}

function forwardHeaders(headers: IncomingHttpHeaders, bodyLength: number, replicaToken: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === "content-length" || name === REPLICA_TOKEN_HEADER) continue;
    out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  if (bodyLength > 0) out["content-length"] = String(bodyLength);
  if (replicaToken !== undefined) out[REPLICA_TOKEN_HEADER] = replicaToken;
  return out;
}

/** The replica's headers minus hop-by-hop ones; content-length stays (the body is forwarded byte for byte). */
function responseHeaders(headers: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) out[name] = value;
  }
  return out;
}
