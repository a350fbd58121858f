import { randomBytes } from "node:crypto";

/** OpenAI-style response ids: `chatcmpl-...`, `cmpl-...`. */
export function responseId(prefix: "chatcmpl" | "cmpl"): string {
  return `${prefix}-${randomBytes(12).toString("hex")}`;
}

/** Ids in the Responses and Anthropic style: `resp_...`, `msg_...`, `rs_...`, `fc_...`, `toolu_...`. */
export function itemId(prefix: "resp" | "msg" | "rs" | "fc" | "toolu" | "call"): string {
  return `${prefix}_${randomBytes(12).toString("hex")}`;
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
