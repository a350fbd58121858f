import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { ResponseTap } from "../proxy.js";
import { completionFacts } from "./completionFacts.js";
import type { RequestRecord } from "./RequestRecord.js";

/** A stream's usage and timings are in its last events: this much of its end is kept. */
const STREAM_TAIL_BYTES = 16 * 1024;
/** A JSON answer is parsed whole up to this size (larger ones are embeddings or pathological: not read). */
const JSON_BODY_LIMIT_BYTES = 8 * 1024 * 1024;
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * What the controller learns about one request while serving it. The API server fills in the routing facts; the
 * proxy's tap keeps references to the answer's chunks (a stream's tail only); `record()` reads the usage and
 * timings from them once the response closed.
 */
export class RequestObservation implements ResponseTap {
  readonly requestId: string;
  readonly time = Date.now();
  readonly client: string;
  model: string | undefined;
  application: string | undefined;
  deployment: string | undefined;
  errorCode: string | undefined;
  queueMs = 0;
  private readonly startedAt = performance.now();
  private dispatchedAt: number | undefined;
  private firstDataAt: number | undefined;
  private streamed = false;
  private chunks: Buffer[] = [];
  private bytes = 0;
  private keep = false;

  constructor(private readonly req: IncomingMessage) {
    const given = req.headers["x-request-id"];
    this.requestId = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    // Forwarded to the replica with the other headers.
    req.headers["x-request-id"] = this.requestId;
    this.client = req.socket.remoteAddress ?? "-";
  }

  dispatched(): void {
    this.dispatchedAt = performance.now();
  }

  head(statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    const type = String(headers["content-type"] ?? "");
    this.streamed = type.startsWith("text/event-stream");
    const length = Number(headers["content-length"] ?? 0);
    this.keep = statusCode === 200 && (this.streamed || (type.startsWith("application/json") && length <= JSON_BODY_LIMIT_BYTES));
  }

  data(chunk: Buffer): void {
    this.firstDataAt ??= performance.now();
    if (!this.keep) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (!this.streamed) return;
    while (this.chunks.length > 1 && this.bytes - this.chunks[0]!.length >= STREAM_TAIL_BYTES) this.bytes -= this.chunks.shift()!.length;
  }

  record(res: ServerResponse, route: string): RequestRecord {
    const endedAt = performance.now();
    const facts = this.chunks.length > 0 ? completionFacts(Buffer.concat(this.chunks).toString("utf8"), this.streamed) : undefined;
    let ttftMs: number | undefined;
    if (facts?.promptMs !== undefined && this.dispatchedAt !== undefined && facts.completionTokens > 0) {
      ttftMs = this.dispatchedAt - this.startedAt + (facts.replicaQueueMs ?? 0) + facts.promptMs;
    } else if (this.streamed && this.firstDataAt !== undefined) {
      ttftMs = this.firstDataAt - this.startedAt;
    }
    return {
      time: this.time,
      requestId: this.requestId,
      method: this.req.method ?? "-",
      route,
      model: this.model,
      application: this.application,
      deployment: this.deployment,
      status: res.statusCode,
      errorCode: this.errorCode,
      client: this.client,
      queueMs: this.queueMs,
      ttftMs,
      totalMs: endedAt - this.startedAt,
      facts,
      aborted: !res.writableFinished,
    };
  }
}
