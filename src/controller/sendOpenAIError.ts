import type { ServerResponse } from "node:http";
import { anthropicErrorEnvelope } from "../protocol/anthropicErrorEnvelope.js";
import { openAIErrorEnvelope, type OpenAIErrorFields } from "../protocol/openAIErrorEnvelope.js";

export type SendOpenAIErrorOptions = OpenAIErrorFields & {
  /** Extra response headers, e.g. `retry-after`. */
  headers?: Readonly<Record<string, string>>;
};

const anthropicResponses = new WeakSet<ServerResponse>();

/** Errors on this response take Anthropic's shape (the `/v1/messages` routes); same status, message and origin marker. */
export function useAnthropicErrors(res: ServerResponse): void {
  anthropicResponses.add(res);
}

/**
 * The one renderer of controller errors: OpenAI's envelope `{"error":{"message","type","param","code"}}`, marked with
 * `x-llmserve-origin: controller` so a client can tell the controller's errors from a replica's.
 */
export function sendOpenAIError(res: ServerResponse, status: number, message: string, options: SendOpenAIErrorOptions = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { headers, ...fields } = options;
  const body = JSON.stringify(
    anthropicResponses.has(res) ? anthropicErrorEnvelope(status, message) : openAIErrorEnvelope(status, message, fields),
  );
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-llmserve-origin": "controller",
  });
  res.end(body);
}
