import type { IncomingMessage } from "node:http";
import { bodyTooLargeMessage, MAX_REQUEST_BODY_BYTES } from "../../protocol/httpContract.js";
import { parseJsonKeepingFloats } from "../prompt/parseJsonKeepingFloats.js";
import { OpenAIHttpError } from "./OpenAIHttpError.js";

/** How much of an oversized body is drained so that the client can read the 413. */
const DISCARD_LIMIT_BYTES = 256 * 1024 * 1024;

export interface ReadJsonBodyOptions {
  /** Parse with `parseJsonKeepingFloats`, for bodies whose values reach a chat template (`300.0` stays a float). */
  readonly keepFloats?: boolean;
}

/**
 * Reads a JSON object body: 413 past `maxBytes` (stops reading at once), 400 for invalid JSON or a non-object.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes = MAX_REQUEST_BODY_BYTES, options: ReadJsonBodyOptions = {}): Promise<Record<string, unknown>> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(req, maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw tooLarge(req, maxBytes);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new OpenAIHttpError(400, "the request body is empty; expected a JSON object", { code: "invalid_json" });
  let parsed: unknown;
  try {
    parsed = options.keepFloats === true ? parseJsonKeepingFloats(text) : JSON.parse(text);
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

/**
 * The 413 error. The rest of the body is read and discarded (up to a cap, then the connection is cut) so the
 * client finishes sending and can read the answer instead of failing with EPIPE.
 */
function tooLarge(req: IncomingMessage, maxBytes: number): OpenAIHttpError {
  let discarded = 0;
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT_BYTES) req.destroy();
  });
  req.resume();
  return new OpenAIHttpError(413, bodyTooLargeMessage(maxBytes), {
    code: "request_too_large",
  });
}
