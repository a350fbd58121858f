import type { TaggedToolCallFormat } from "./createTaggedToolCallStream.js";
import { stringifyArguments } from "./stringifyArguments.js";
import { parseJson } from "./toParsedToolCall.js";

const MESSAGE = "<|message|>";

/** Python's `json.dumps` default (`ensure_ascii=True`): `stringifyArguments` with every non-ASCII unit escaped. */
function pythonJsonDumps(value: unknown): string {
  return stringifyArguments(value).replace(/[\u0080-\uffff]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * vLLM's `openai` format (gpt-oss, harmony): a call is a `commentary` message to `functions.NAME`, which the
 * `openai_gptoss` reasoning parser passes on as `<|channel|>commentary to=functions.NAME <|constrain|>json<|message|>
 * ARGS<|call|>`. As in vLLM, JSON arguments (no content type, or one that says json) are re-serialised with
 * `json.dumps(json.loads(ARGS))`, and kept as written when they do not decode or are of another type.
 */
export const openaiToolCallFormat: TaggedToolCallFormat = {
  startTag: "<|channel|>commentary to=functions.",
  endTag: "<|call|>",
  parseBody(body) {
    const split = body.indexOf(MESSAGE);
    if (split < 0) return undefined;
    const header = body.slice(0, split);
    const name = /^[^\s<]+/.exec(header)?.[0];
    if (name === undefined) return undefined;
    const text = body.slice(split + MESSAGE.length);
    const contentType = /<\|constrain\|>\s*([^\s<]+)/.exec(header)?.[1] ?? /\s([^\s<]+)\s*$/.exec(header)?.[1];
    if (contentType !== undefined && !contentType.toLowerCase().includes("json")) return [{ name, arguments: text }];
    const decoded = parseJson(text);
    return [{ name, arguments: decoded === undefined ? text : pythonJsonDumps(decoded) }];
  },
};
