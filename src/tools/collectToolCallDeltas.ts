import type { ToolCallDelta, ToolCallExtraction } from "./ToolCallTypes.js";

/** Reassembles streamed deltas into the non-streamed result (what an OpenAI client does with `delta.tool_calls`). */
export function collectToolCallDeltas(deltas: readonly ToolCallDelta[]): ToolCallExtraction {
  let content = "";
  const toolCalls: ToolCallExtraction["toolCalls"] = [];
  for (const delta of deltas) {
    content += delta.content ?? "";
    for (const chunk of delta.toolCalls) {
      if (chunk.id !== undefined) {
        toolCalls.push({ id: chunk.id, type: "function", function: { name: chunk.function.name ?? "", arguments: "" } });
      }
      const call = toolCalls[chunk.index];
      if (call !== undefined) call.function.arguments += chunk.function.arguments;
    }
  }
  return { content: content.length > 0 ? content : null, toolCalls };
}
