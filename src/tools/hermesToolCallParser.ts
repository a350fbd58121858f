import type { TaggedToolCallFormat } from "./createTaggedToolCallStream.js";
import { parseJson, toParsedToolCall } from "./toParsedToolCall.js";

/**
 * vLLM's `hermes` format (Hermes 2 Pro, Qwen2.5, Qwen3, QwQ): one JSON object per call,
 * `<tool_call>\n{"name": "f", "arguments": {...}}\n</tool_call>`, several calls allowed.
 */
export const hermesToolCallFormat: TaggedToolCallFormat = {
  startTag: "<tool_call>",
  endTag: "</tool_call>",
  parseBody(body) {
    const call = toParsedToolCall(parseJson(body.trim()));
    return call === undefined ? undefined : [call];
  },
};

