import type { IncomingMessage } from "node:http";
import { OpenAIHttpError } from "./OpenAIHttpError.js";

/**
 * Reads a JSON object body: 413 past `maxBytes` (stops reading at once), 400 for invalid JSON or a non-object.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new OpenAIHttpError(400, "the request body is empty; expected a JSON object", { code: "invalid_json" });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OpenAIHttpError(400, `the request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, {
      code: "invalid_json",
    });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new OpenAIHttpError(400, "the request body must be a JSON object", { code: "invalid_json" });
  }
  return parsed as Record<string, unknown>;
}

function tooLarge(maxBytes: number): OpenAIHttpError {
  return new OpenAIHttpError(413, `the request body is larger than the limit of ${maxBytes} bytes`, {
    code: "request_too_large",
    headers: { connection: "close" },
  });
}
