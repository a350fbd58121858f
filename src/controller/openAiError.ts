import type { ServerResponse } from "node:http";

export interface OpenAiErrorOptions {
  code?: string | null;
  param?: string | null;
  type?: string;
}

/**
 * The one renderer of controller errors: OpenAI's envelope `{"error":{"message","type","param","code"}}`, marked with
 * `x-llmserve-origin: controller` so a client can tell the controller's errors from a replica's.
 */
export function sendOpenAiError(res: ServerResponse, status: number, message: string, options: OpenAiErrorOptions = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({
    error: {
      message,
      type: options.type ?? (status >= 500 ? "server_error" : "invalid_request_error"),
      param: options.param ?? null,
      code: options.code ?? null,
    },
  });
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-llmserve-origin": "controller",
  });
  res.end(body);
}
