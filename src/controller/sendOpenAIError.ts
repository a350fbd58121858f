import type { ServerResponse } from "node:http";
import { openAIErrorEnvelope, type OpenAIErrorFields } from "../protocol/openAIErrorEnvelope.js";

export type SendOpenAIErrorOptions = OpenAIErrorFields & {
  /** Extra response headers, e.g. `retry-after`. */
  headers?: Readonly<Record<string, string>>;
};

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
  const body = JSON.stringify(openAIErrorEnvelope(status, message, fields));
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-llmserve-origin": "controller",
  });
  res.end(body);
}
