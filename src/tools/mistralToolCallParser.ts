import { randomBytes } from "node:crypto";
import type { TaggedToolCallFormat } from "./createTaggedToolCallStream.js";
import { parseJson, toParsedToolCall } from "./toParsedToolCall.js";
import type { ParsedToolCall } from "./ToolCallTypes.js";

const TOOL_CALLS = "[TOOL_CALLS]";
const ARGS = "[ARGS]";
const CALL_ID = "[CALL_ID]";
const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * vLLM's `mistral` format. Everything after `[TOOL_CALLS]` is calls, in either tokenizer generation:
 * `[TOOL_CALLS][{"name": "f", "arguments": {...}}, ...]` (v1–v7) or `[TOOL_CALLS]f[ARGS]{...}` repeated (v11+).
 * Mistral's chat templates reject tool call ids that are not 9 alphanumerics, so ids here have that shape.
 */
export const mistralToolCallFormat: TaggedToolCallFormat = {
  startTag: TOOL_CALLS,
  endTag: null,
  generateId: () => {
    let id = "";
    for (const byte of randomBytes(9)) id += ALPHANUMERIC[byte % ALPHANUMERIC.length];
    return id;
  },
  parseBody(body) {
    const calls: ParsedToolCall[] = [];
    for (const piece of body.split(TOOL_CALLS)) {
      const text = piece.trim();
      if (text.length === 0) continue;
      const parsed = text.startsWith("[") || text.startsWith("{") ? parseJsonCalls(text) : parseArgsCall(text);
      if (parsed === undefined) return undefined;
      calls.push(...parsed);
    }
    return calls;
  },
};

function parseJsonCalls(text: string): ParsedToolCall[] | undefined {
  const value = parseJson(text);
  const items = Array.isArray(value) ? value : [value];
  const calls = items.map(toParsedToolCall);
  return calls.every((call) => call !== undefined) ? (calls as ParsedToolCall[]) : undefined;
}

function parseArgsCall(text: string): ParsedToolCall[] | undefined {
  const argsAt = text.indexOf(ARGS);
  if (argsAt <= 0) return undefined;
  let name = text.slice(0, argsAt);
  const callIdAt = name.indexOf(CALL_ID);
  if (callIdAt >= 0) name = name.slice(0, callIdAt);
  const args = parseJson(text.slice(argsAt + ARGS.length).trim());
  if (args === undefined) return undefined;
  const call = toParsedToolCall({ name: name.trim(), arguments: args });
  if (call === undefined) return undefined;
  return [call];
}

