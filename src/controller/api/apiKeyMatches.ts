import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** `Authorization: Bearer KEY`; on the Anthropic routes also `x-api-key: KEY`, as Anthropic clients send it. */
export function apiKeyMatches(req: IncomingMessage, key: string, anthropic: boolean): boolean {
  const header = req.headers["x-api-key"];
  if (anthropic && typeof header === "string" && constantTimeEqual(header, key)) return true;
  return bearerMatches(req.headers.authorization, key);
}

function constantTimeEqual(given: string, wanted: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(wanted);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `Authorization: Bearer KEY`, the scheme in any case (RFC 9110 11.1); the key compared in constant time. */
function bearerMatches(header: string | undefined, key: string): boolean {
  const match = /^bearer +(.*)$/i.exec(header ?? "");
  const given = Buffer.from(match?.[1] ?? "");
  const wanted = Buffer.from(key);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
