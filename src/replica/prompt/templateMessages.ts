import type { ChatMessage } from "./ChatMessage.js";
import { parseJsonKeepingFloats } from "./parseJsonKeepingFloats.js";
import { MappingWithText } from "./toTemplateValue.js";

/**
 * The messages as vLLM hands them to the chat template (`parse_chat_messages` with the "string" content format,
 * then `_postprocess_messages`): a null content is `""`, an empty `tool_calls` list is dropped, and each tool
 * call's `arguments` is a mapping (`{}` when empty, not JSON, or not an object). The mapping also carries the text
 * the client sent, so a template that concatenates it to a string (`'...' + arguments`, DeepSeek) renders that
 * JSON text where Python would raise TypeError.
 */
export function templateMessages(messages: readonly ChatMessage[]): Record<string, unknown>[] {
  return messages.map((message) => {
    const { tool_calls: toolCalls, ...rest } = message;
    const result: Record<string, unknown> = { ...rest, content: message.content ?? "" };
    if (toolCalls !== undefined && toolCalls.length > 0) {
      result["tool_calls"] = toolCalls.map((call) => ({ ...call, function: { ...call.function, arguments: argumentsMapping(call.function.arguments) } }));
    }
    return result;
  });
}

function argumentsMapping(value: unknown): MappingWithText {
  if (isMapping(value)) return new MappingWithText(value, JSON.stringify(value));
  if (typeof value !== "string" || value === "") return new MappingWithText({}, "{}");
  let parsed: unknown;
  try {
    parsed = parseJsonKeepingFloats(value);
  } catch {
    parsed = undefined;
  }
  return isMapping(parsed) ? new MappingWithText(parsed, value) : new MappingWithText({}, "{}");
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
