import { createFromMachine } from "../parserFromMachine.js";
import { literal } from "../markers.js";
import type { ReasoningParserDefinition } from "../ReasoningParserDefinition.js";

const THINK_START = "<think>\n";
/** Ends the thought and opens the answer; the "fast think" `<think>\n\n</think>\n<answer>\n` is the same text. */
const ANSWER_START = "\n</think>\n<answer>\n";
const ANSWER_END = "\n</answer>";

/**
 * hunyuan_a13b: `<think>\n` R `\n</think>\n<answer>\n` A `\n</answer>`. Reasoning R, content A (wrappers removed,
 * empty parts null). Output that does not open with `<think>\n` is content (minus a closing `\n</answer>`); not
 * streamed, a thought without the answer marker is all content, verbatim.
 */
export const hunyuanA13b: ReasoningParserDefinition = {
  create: createFromMachine(
    (options) => ({
      initial: options.promptEndsInsideThinking ? "think" : "idle",
      phases: {
        idle: {
          channel: "content",
          transitions: [
            { marker: literal(THINK_START), next: "think", atPhaseStart: true },
            { marker: literal(ANSWER_END), next: "tail" },
          ],
        },
        think: { channel: "reasoning", transitions: [{ marker: literal(ANSWER_START), next: "answer" }] },
        answer: { channel: "content", transitions: [{ marker: literal(ANSWER_END), next: "tail" }] },
        tail: { channel: "content", transitions: [] },
      },
    }),
    { emptyReasoning: null, unclosed: "content" },
  ),
  promptTags: { start: ["<think>"], end: ["<answer>"] },
  closeThought: ANSWER_START,
};
