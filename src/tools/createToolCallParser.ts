import { collectToolCallDeltas } from "./collectToolCallDeltas.js";
import { createTaggedToolCallStream } from "./createTaggedToolCallStream.js";
import { createWholeOutputToolCallStream } from "./createWholeOutputToolCallStream.js";
import { deepseekV3ToolCallFormat } from "./deepseekV3ToolCallParser.js";
import { hermesToolCallFormat } from "./hermesToolCallParser.js";
import { llama3JsonToolCallFormat } from "./llama3JsonToolCallParser.js";
import { mistralToolCallFormat } from "./mistralToolCallParser.js";
import { pythonicToolCallFormat } from "./pythonicToolCallParser.js";
import { UnknownToolCallParserError } from "./UnknownToolCallParserError.js";
import type { ToolCallExtraction, ToolCallParser, ToolCallStream } from "./ToolCallTypes.js";

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
      return collectToolCallDeltas([stream.push(content), stream.end()]);
    },
  };
}
