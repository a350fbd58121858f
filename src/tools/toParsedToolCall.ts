import { stringifyArguments } from "./stringifyArguments.js";
import type { ParsedToolCall } from "./ToolCallTypes.js";

/**
 * Turns a decoded `{"name": ..., "arguments": {...}}` object (or `parameters`, as Llama 3 emits) into a call whose
 * arguments are a JSON string; returns undefined for anything that is not a well-formed call.
 */
export function toParsedToolCall(value: unknown): ParsedToolCall | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const name = record.name;
  if (typeof name !== "string" || name.length === 0) return undefined;
  const args = record.arguments !== undefined ? record.arguments : record.parameters;
  if (args === undefined || args === null) return { name, arguments: "{}" };
  if (typeof args === "string") {
    // Some models emit the arguments as a JSON string; keep it when it decodes to an object.
    const decoded = parseJson(args);
    return isPlainObject(decoded) ? { name, arguments: stringifyArguments(decoded) } : undefined;
  }
  return isPlainObject(args) ? { name, arguments: stringifyArguments(args) } : undefined;
}

/** JSON.parse that returns undefined instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
