import type { ServerResponse } from "node:http";
import { openAiErrorEnvelope, type OpenAIErrorFields } from "../protocol/openAiErrorEnvelope.js";

export type OpenAiErrorOptions = OpenAIErrorFields;

/**
 * The one renderer of controller errors: OpenAI's envelope `{"error":{"message","type","param","code"}}`, marked with
 * `x-llmserve-origin: controller` so a client can tell the controller's errors from a replica's.
 */
export function sendOpenAiError(res: ServerResponse, status: number, message: string, options: OpenAiErrorOptions = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(openAiErrorEnvelope(status, message, options));
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-llmserve-origin": "controller",
  });
  res.end(body);
}
