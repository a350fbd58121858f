import { randomBytes } from "node:crypto";

/** OpenAI-style response ids: `chatcmpl-...`, `cmpl-...`. */
export function responseId(prefix: "chatcmpl" | "cmpl"): string {
  return `${prefix}-${randomBytes(12).toString("hex")}`;
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
