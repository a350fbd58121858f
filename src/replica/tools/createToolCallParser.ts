import { createTaggedToolCallStream } from "./createTaggedToolCallStream.js";
import { createWholeOutputToolCallStream } from "./createWholeOutputToolCallStream.js";
import { deepseekV3ToolCallFormat } from "./deepseekV3ToolCallParser.js";
import { hermesToolCallFormat } from "./hermesToolCallParser.js";
import { llama3JsonToolCallFormat } from "./llama3JsonToolCallParser.js";
import { mistralToolCallFormat } from "./mistralToolCallParser.js";
import { pythonicToolCallFormat } from "./pythonicToolCallParser.js";
import { UnknownToolCallParserError } from "./UnknownToolCallParserError.js";
import type { ToolCallDelta, ToolCallExtraction, ToolCallParser, ToolCallStream } from "./ToolCallTypes.js";

const STREAM_FACTORIES: Readonly<Record<string, () => ToolCallStream>> = {
  hermes: () => createTaggedToolCallStream(hermesToolCallFormat),
  mistral: () => createTaggedToolCallStream(mistralToolCallFormat),
  deepseek_v3: () => createTaggedToolCallStream(deepseekV3ToolCallFormat),
  llama3_json: () => createWholeOutputToolCallStream(llama3JsonToolCallFormat),
  pythonic: () => createWholeOutputToolCallStream(pythonicToolCallFormat),
};

/** vLLM `tool_call_parser` names this server implements. */
export const toolCallParserNames: readonly string[] = Object.freeze(Object.keys(STREAM_FACTORIES));

/**
 * A tool-call parser by vLLM's name. Feed it the CONTENT part only (after the reasoning parser split it off).
 * `extract` runs the same machine as `stream`, so the streamed pieces always add up to the non-streamed result.
 */
export function createToolCallParser(name: string): ToolCallParser {
  const factory = STREAM_FACTORIES[name];
  if (factory === undefined) throw new UnknownToolCallParserError(name, toolCallParserNames);
  return {
    name,
    stream: factory,
    extract(content: string): ToolCallExtraction {
      const stream = factory();
      return collect([stream.push(content), stream.end()]);
    },
  };
}

function collect(deltas: readonly ToolCallDelta[]): ToolCallExtraction {
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
