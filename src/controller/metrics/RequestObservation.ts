import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { ResponseTap } from "../proxy.js";
import { completionFacts } from "./completionFacts.js";
import type { GenerationRate } from "./GenerationRate.js";
import type { RequestRecord } from "./RequestRecord.js";

/** An answer's usage and timings are at its end (a stream's last events, a JSON body's last keys): this much is kept. */
const TAIL_BYTES = 16 * 1024;
const EVENT_END = Buffer.from("\n\n");
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * What the controller learns about one request while serving it. The API server fills in the routing facts; the
 * proxy's tap keeps references to the answer's last chunks (and a stream's first one); `record()` reads the usage
 * and timings from them once the response closed. The replica's generation rate gets a stream's events as they pass
 * (about one per token) and the exact count from the usage at the end.
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
  private first: Buffer | undefined;
  private bytes = 0;
  private keep = false;
  private rate: GenerationRate | undefined;
  private replica: string | undefined;
  private attempts = 0;
  /** Stream events already given to `rate`. */
  private events = 0;

  constructor(private readonly req: IncomingMessage) {
    const given = req.headers["x-request-id"];
    this.requestId = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    // Forwarded to the replica with the other headers.
    req.headers["x-request-id"] = this.requestId;
    this.client = req.socket.remoteAddress ?? "-";
  }

  /** Sent to a replica; its tokens count in its generation rate. */
  dispatched(replica?: { readonly id: string; readonly generation: GenerationRate }): void {
    this.dispatchedAt = performance.now();
    this.rate = replica?.generation;
    this.replica = replica?.id;
    this.attempts++;
  }

  head(statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    const type = String(headers["content-type"] ?? "");
    this.streamed = type.startsWith("text/event-stream");
    this.keep = statusCode === 200 && (this.streamed || type.startsWith("application/json"));
  }

  data(chunk: Buffer): void {
    if (this.firstDataAt === undefined) {
      this.firstDataAt = performance.now();
      this.first = chunk;
    }
    if (!this.keep) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.chunks.length > 1 && this.bytes - this.chunks[0]!.length >= TAIL_BYTES) this.bytes -= this.chunks.shift()!.length;
    if (this.streamed && this.rate !== undefined) {
      const events = countEventEnds(chunk);
      this.events += events;
      this.rate.add(events);
    }
  }

  record(res: ServerResponse, route: string): RequestRecord {
    const endedAt = performance.now();
    const facts = this.chunks.length > 0 ? completionFacts(this.keptText(), route) : undefined;
    this.countGenerated(facts?.completionTokens, endedAt);
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
      replica: this.replica,
      attempts: this.attempts,
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

  private keptText(): string {
    const kept = this.streamed && this.first !== this.chunks[0] ? [this.first!, ...this.chunks] : this.chunks;
    return (kept.length === 1 ? kept[0]! : Buffer.concat(kept)).toString("utf8");
  }

  /** The exact count replaces the stream's estimate, spread over the time the replica generated. */
  private countGenerated(tokens: number | undefined, endedAt: number): void {
    if (this.rate === undefined || tokens === undefined || this.dispatchedAt === undefined) return;
    this.rate.spread(tokens - this.events, this.streamed ? (this.firstDataAt ?? this.dispatchedAt) : this.dispatchedAt, endedAt);
  }
}

/** Server-sent events end with an empty line (one split across two chunks is missed: the count is an estimate). */
function countEventEnds(chunk: Buffer): number {
  let count = 0;
  for (let at = chunk.indexOf(EVENT_END); at >= 0; at = chunk.indexOf(EVENT_END, at + 2)) count++;
  return count;
}
