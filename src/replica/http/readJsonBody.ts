import type { IncomingMessage } from "node:http";
import { bodyTooLargeMessage, MAX_REQUEST_BODY_BYTES } from "../../protocol/httpContract.js";
import { parseJsonKeepingFloats } from "../prompt/parseJsonKeepingFloats.js";
import { decodeJsonBody } from "../../protocol/decodeJsonBody.js";
import { OpenAIHttpError } from "./OpenAIHttpError.js";

/** How much of an oversized body is drained so that the client can read the 413. */
const DISCARD_LIMIT_BYTES = 256 * 1024 * 1024;

export interface ReadJsonBodyOptions {
  /** Parse with `parseJsonKeepingFloats`, for bodies whose values reach a chat template (`300.0` stays a float). */
  readonly keepFloats?: boolean;
}

/**
 * Reads a JSON object body: 413 past `maxBytes` (stops reading at once), 400 for anything `decodeJsonBody` refuses.
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
  const decoded = decodeJsonBody(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), req.headers["content-type"],
    options.keepFloats === true ? parseJsonKeepingFloats : JSON.parse);
  if (!decoded.ok) throw new OpenAIHttpError(400, decoded.message, { code: decoded.code });
  return decoded.value;
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
