import { generateToolCallId } from "./generateToolCallId.js";
import type { ParsedToolCall, ToolCallChunk, ToolCallDelta, ToolCallStream } from "./ToolCallTypes.js";

/** A format where the whole content is either plain text or only calls (Llama 3 JSON, pythonic lists). */
export interface WholeOutputToolCallFormat {
  /** Given the content so far without leading whitespace: calls, plain text, or not known yet. */
  classify(start: string): "calls" | "text" | "undecided";
  /** Decodes the whole content; undefined when malformed (it is then returned as content). */
  parse(content: string): ParsedToolCall[] | undefined;
}

/**
 * Decides from the first characters whether the output is calls; plain text then streams through untouched, and
 * calls are held until the end, decoded, and emitted whole (or returned as content when malformed).
 */
export function createWholeOutputToolCallStream(format: WholeOutputToolCallFormat): ToolCallStream {
  let buffer = "";
  let mode: "calls" | "text" | "undecided" = "undecided";
  let callCount = 0;

  return {
    push(delta: string): ToolCallDelta {
      if (mode === "text") return { content: delta.length > 0 ? delta : null, toolCalls: [] };
      buffer += delta;
      if (mode === "undecided") mode = format.classify(buffer.trimStart());
      if (mode !== "text") return { content: null, toolCalls: [] };
      const text = buffer;
      buffer = "";
      return { content: text.length > 0 ? text : null, toolCalls: [] };
    },
    end(): ToolCallDelta {
      const text = buffer;
      buffer = "";
      if (mode !== "calls") return { content: text.length > 0 ? text : null, toolCalls: [] };
      const calls = format.parse(text.trim());
      if (calls === undefined || calls.length === 0) return { content: text.length > 0 ? text : null, toolCalls: [] };
      const toolCalls: ToolCallChunk[] = [];
      for (const call of calls) {
        const index = callCount++;
        toolCalls.push({ index, id: generateToolCallId(), type: "function", function: { name: call.name, arguments: "" } });
        toolCalls.push({ index, function: { arguments: call.arguments } });
      }
      return { content: null, toolCalls };
    },
    get toolCallCount() {
      return callCount;
    },
  };
}

/** "calls" when `start` begins with one of the prefixes, "undecided" while it could still, else "text". */
export function classifyByPrefix(start: string, prefixes: readonly string[]): "calls" | "text" | "undecided" {
  if (start.length === 0) return "undecided";
  for (const prefix of prefixes) {
    if (start.startsWith(prefix)) return "calls";
    if (prefix.startsWith(start)) return "undecided";
  }
  return "text";
}
