import { createFromMachine } from "../parserFromMachine.js";
import { literal, whitespaceThen } from "../markers.js";
import type { ReasoningParser } from "../ReasoningParser.js";
import type { ReasoningParserDefinition } from "../ReasoningParserDefinition.js";

/** Granite 3.2/3.3 phrase markers; `Here's` is accepted too (seen from quantized models). */
const THOUGHT_MARKERS = ["Here is my thought process:", "Here's my thought process:"];
const RESPONSE_MARKERS = ["Here is my response:", "Here's my response:"];

/** Where the first thought marker starts, or -1. */
function thoughtMarkerIndex(output: string): number {
  const found = THOUGHT_MARKERS.map((marker) => output.indexOf(marker)).filter((index) => index >= 0);
  return found.length === 0 ? -1 : Math.min(...found);
}

const machineParser = createFromMachine(
  (options) => ({
    initial: options.promptEndsInsideThinking ? "thought" : "opening",
    phases: {
      opening: {
        channel: "content",
        transitions: [
          { marker: whitespaceThen(...THOUGHT_MARKERS), next: "thought", atPhaseStart: true },
          { marker: literal(...THOUGHT_MARKERS), next: "thought" },
        ],
      },
      thought: { channel: "reasoning", transitions: [{ marker: literal(...RESPONSE_MARKERS), next: "response" }] },
      response: { channel: "content", transitions: [] },
    },
  }),
  { emptyReasoning: "", unclosed: "content" },
);

/**
 * granite: "Here is my thought process:" … "Here is my response:" …. Not streamed, this is vLLM's regex: both
 * markers are needed (else the whole output is content, verbatim), they may come anywhere, and text before the
 * thought marker is dropped. Streamed, text before the thought marker has gone out as content already, and a
 * thought with no response marker yet is reasoning. No trimming.
 */
export const granite: ReasoningParserDefinition = {
  create: (options) => {
    const parser = machineParser(options);
    if (options.promptEndsInsideThinking || options.promptEndsAfterThinking) return parser;
    const result: ReasoningParser = {
      extract(output) {
        const start = thoughtMarkerIndex(output);
        if (start <= 0) return parser.extract(output);
        const fromMarker = output.slice(start);
        const split = parser.extract(fromMarker);
        return split.reasoning === null ? { reasoning: null, content: output } : split;
      },
      stream: parser.stream,
    };
    return result;
  },
  closeThought: "\nHere is my response:\n",
};
