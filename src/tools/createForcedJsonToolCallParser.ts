import { collectToolCallDeltas } from "./collectToolCallDeltas.js";
import { createWholeOutputToolCallStream } from "./createWholeOutputToolCallStream.js";
import { parseJson, toParsedToolCall } from "./toParsedToolCall.js";
import type { ParsedToolCall, ToolCallExtraction, ToolCallParser } from "./ToolCallTypes.js";

/**
 * Reads back vLLM's plain-JSON forced output (see buildToolCallGrammar's "json" format): the arguments object of
 * `functionName`, or for "required" an array of `{"name", "parameters"}`. Anything else stays content.
 */
export function createForcedJsonToolCallParser(functionName: string | undefined): ToolCallParser {
  const stream = () => createWholeOutputToolCallStream({
    classify: () => "calls",
    parse(content): ParsedToolCall[] | undefined {
      const value = parseJson(content);
      if (functionName !== undefined) {
        if (value === undefined) return undefined;
        const call = toParsedToolCall({ name: functionName, arguments: value });
        return call === undefined ? undefined : [call];
      }
      if (!Array.isArray(value)) return undefined;
      const calls = value.map(toParsedToolCall);
      return calls.every((call) => call !== undefined) ? (calls as ParsedToolCall[]) : undefined;
    },
  });
  return {
    name: "forced_json",
    stream,
    extract(content): ToolCallExtraction {
      const parser = stream();
      return collectToolCallDeltas([parser.push(content), parser.end()]);
    },
  };
}
