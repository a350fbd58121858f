import { classifyByPrefix, type WholeOutputToolCallFormat } from "./createWholeOutputToolCallStream.js";
import { scanJsonValueEnd } from "./scanJsonValueEnd.js";
import { parseJson, toParsedToolCall } from "./toParsedToolCall.js";
import type { ParsedToolCall } from "./ToolCallTypes.js";

const PYTHON_TAG = "<|python_tag|>";

/**
 * vLLM's `llama3_json` format (Llama 3.1/3.2/3.3 JSON tool calling): the content is `{"name": "f", "parameters":
 * {...}}`, optionally after `<|python_tag|>`, several objects separated by `;`.
 */
export const llama3JsonToolCallFormat: WholeOutputToolCallFormat = {
  classify: (start) => classifyByPrefix(start, [PYTHON_TAG, "{"]),
  parse(content) {
    let text = content.startsWith(PYTHON_TAG) ? content.slice(PYTHON_TAG.length) : content;
    const calls: ParsedToolCall[] = [];
    for (;;) {
      text = text.trimStart();
      if (text.length === 0) break;
      const end = scanJsonValueEnd(text);
      if (end === undefined) return undefined;
      const call = toParsedToolCall(parseJson(text.slice(0, end)));
      if (call === undefined) return undefined;
      calls.push(call);
      text = text.slice(end).trimStart();
      if (text.startsWith(";")) text = text.slice(1);
      else if (text.length > 0) return undefined;
    }
    return calls;
  },
};
