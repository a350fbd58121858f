import type { TaggedToolCallFormat } from "./createTaggedToolCallStream.js";
import { parseJson, toParsedToolCall } from "./toParsedToolCall.js";

const SEP = "<｜tool▁sep｜>";

/**
 * vLLM's `deepseek_v3` format (DeepSeek V3 / R1-0528, and V3.1's shorter form):
 * `<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\n```json\n{...}\n```<｜tool▁call▁end｜>…<｜tool▁calls▁end｜>`
 * or `<｜tool▁call▁begin｜>NAME<｜tool▁sep｜>{...}<｜tool▁call▁end｜>`.
 */
export const deepseekV3ToolCallFormat: TaggedToolCallFormat = {
  startTag: "<｜tool▁call▁begin｜>",
  endTag: "<｜tool▁call▁end｜>",
  ignoredTags: ["<｜tool▁calls▁begin｜>", "<｜tool▁calls▁end｜>"],
  parseBody(body) {
    const sepAt = body.indexOf(SEP);
    if (sepAt < 0) return undefined;
    const head = body.slice(0, sepAt).trim();
    const rest = body.slice(sepAt + SEP.length);
    let name: string;
    let argsText: string;
    if (head === "function") {
      const newline = rest.indexOf("\n");
      if (newline < 0) return undefined;
      name = rest.slice(0, newline).trim();
      argsText = rest.slice(newline + 1).trim().replace(/^```(?:json)?/, "").replace(/```$/, "");
    } else {
      name = head;
      argsText = rest;
    }
    const args = parseJson(argsText.trim());
    if (args === undefined) return undefined;
    const call = toParsedToolCall({ name, arguments: args });
    return call === undefined ? undefined : [call];
  },
};

