import { createFromMachine } from "../parserFromMachine.js";
import { literal, whitespaceThen } from "../markers.js";
import type { ReasoningParserDefinition } from "../ReasoningParserDefinition.js";

/** Granite 3.2/3.3 phrase markers; `Here's` is accepted too (seen from quantized models). */
const THOUGHT_MARKERS = ["Here is my thought process:", "Here's my thought process:"];
const RESPONSE_MARKERS = ["Here is my response:", "Here's my response:"];

/**
 * granite: "Here is my thought process:" … "Here is my response:" …. The thought marker must open the output
 * (leading whitespace allowed); otherwise everything is content. Not streamed, both markers are needed, else the
 * whole output is content verbatim; streamed, a thought with no response marker yet is reasoning. No trimming.
 */
export const granite: ReasoningParserDefinition = {
  create: createFromMachine(
    (options) => ({
      initial: options.promptEndsInsideThinking ? "thought" : "opening",
      phases: {
        opening: {
          channel: "content",
          transitions: [{ marker: whitespaceThen(...THOUGHT_MARKERS), next: "thought", atPhaseStart: true }],
        },
        thought: { channel: "reasoning", transitions: [{ marker: literal(...RESPONSE_MARKERS), next: "response" }] },
        response: { channel: "content", transitions: [] },
      },
    }),
    { emptyReasoning: "", unclosed: "content" },
  ),
  closeThought: "\nHere is my response:\n",
};
