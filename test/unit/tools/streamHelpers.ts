import type { ToolCallDelta, ToolCallExtraction, ToolCallParser } from "../../../src/tools/ToolCallTypes.js";

/** Splits text into pieces: one per character, or fixed-size chunks. */
export function split(text: string, size: number): string[] {
  const chars = Array.from(text);
  const pieces: string[] = [];
  for (let index = 0; index < chars.length; index += size) pieces.push(chars.slice(index, index + size).join(""));
  return pieces;
}

/** Streams `pieces` through a fresh stream and reassembles the message as an OpenAI client does from deltas. */
export function streamAndCollect(parser: ToolCallParser, pieces: readonly string[]): ToolCallExtraction & { deltas: ToolCallDelta[] } {
  const stream = parser.stream();
  const deltas = [...pieces.map((piece) => stream.push(piece)), stream.end()];
  let content = "";
  const calls: ToolCallExtraction["toolCalls"] = [];
  for (const delta of deltas) {
    content += delta.content ?? "";
    for (const chunk of delta.toolCalls) {
      if (chunk.id !== undefined) {
        if (chunk.index !== calls.length) throw new Error(`call index ${chunk.index} out of order`);
        if (chunk.function.arguments !== "") throw new Error("first chunk of a call must have empty arguments");
        calls.push({ id: chunk.id, type: "function", function: { name: chunk.function.name ?? "", arguments: "" } });
      } else {
        const call = calls[chunk.index];
        if (call === undefined || chunk.function.name !== undefined) throw new Error("argument chunk before its header");
        call.function.arguments += chunk.function.arguments;
      }
    }
  }
  return { content: content.length > 0 ? content : null, toolCalls: calls, deltas };
}

/** The extraction without the random ids, for equality across runs. */
export function withoutIds(extraction: ToolCallExtraction): { content: string | null; calls: [string, string][] } {
  return { content: extraction.content, calls: extraction.toolCalls.map((call) => [call.function.name, call.function.arguments]) };
}
