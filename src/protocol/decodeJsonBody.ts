/** A request body decoded as a JSON object, or why it is not one (answered 400 with `code`). */
export type DecodedJsonBody =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly message: string; readonly code: "invalid_content_type" | "invalid_json" };

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;
const UTF8_DECODER = new TextDecoder("utf-8", { fatal: true });

/**
 * The one reader of JSON request bodies (controller and replica): the Content-Type, when sent, must be
 * `application/json` or `application/*+json` with no charset but UTF-8 (as FastAPI, and so vLLM, reads bodies);
 * the bytes must be UTF-8 (RFC 8259) and a JSON object. `parse` replaces `JSON.parse` (it must throw like it).
 */
export function decodeJsonBody(bytes: Uint8Array, contentType: string | undefined,
  parse: (text: string) => unknown = JSON.parse): DecodedJsonBody {
  if (contentType !== undefined && contentType.trim() !== "") {
    const [mediaType = "", ...parameters] = contentType.split(";").map((part) => part.trim().toLowerCase());
    if (!JSON_MEDIA_TYPE.test(mediaType)) {
      return { ok: false, code: "invalid_content_type", message: `the request body must be JSON sent as Content-Type: application/json (got ${JSON.stringify(contentType)})` };
    }
    const charset = parameters.find((parameter) => parameter.startsWith("charset="))?.slice("charset=".length).replace(/^"|"$/g, "");
    if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
      return { ok: false, code: "invalid_content_type", message: `the request body must be UTF-8 JSON (got charset ${JSON.stringify(charset)})` };
    }
  }
  let text: string;
  try {
    text = UTF8_DECODER.decode(bytes);
  } catch {
    return { ok: false, code: "invalid_json", message: "the request body is not valid UTF-8 (JSON text must be UTF-8)" };
  }
  if (text.trim() === "") return { ok: false, code: "invalid_json", message: "the request body is empty; expected a JSON object" };
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    return { ok: false, code: "invalid_json", message: `the request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, code: "invalid_json", message: "the request body must be a JSON object" };
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}
