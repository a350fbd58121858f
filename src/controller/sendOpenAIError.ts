import type { ServerResponse } from "node:http";
import { openAIErrorEnvelope, type OpenAIErrorFields } from "../protocol/openAIErrorEnvelope.js";

/**
 * The one renderer of controller errors: OpenAI's envelope `{"error":{"message","type","param","code"}}`, marked with
 * `x-llmserve-origin: controller` so a client can tell the controller's errors from a replica's.
 */
export function sendOpenAIError(res: ServerResponse, status: number, message: string, options: OpenAIErrorFields = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(openAIErrorEnvelope(status, message, options));
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-llmserve-origin": "controller",
  });
  res.end(body);
}
