import type { ServerResponse } from "node:http";
import { OpenAIHttpError } from "./OpenAIHttpError.js";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Renders any error as an OpenAI error body; unexpected errors become a 500 without internals beyond the message. */
export function sendError(res: ServerResponse, error: unknown): void {
  const httpError =
    error instanceof OpenAIHttpError
      ? error
      : new OpenAIHttpError(500, `internal error: ${error instanceof Error ? error.message : String(error)}`);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, httpError.status, httpError.toJSON(), { ...httpError.headers });
}
