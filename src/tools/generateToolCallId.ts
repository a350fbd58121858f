import { randomBytes } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** An OpenAI-style tool call id: `call_` and 24 random alphanumerics. */
export function generateToolCallId(): string {
  const bytes = randomBytes(24);
  let suffix = "";
  for (const byte of bytes) suffix += ALPHABET[byte % ALPHABET.length];
  return `call_${suffix}`;
}
