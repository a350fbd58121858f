import { literal, runOf, skippingThen } from "../markers.js";
import type { ReasoningParserDefinition } from "../ReasoningParserDefinition.js";
import { createFromThinkTags } from "./thinkTagParsers.js";

const NEWLINE = /\n/;

/**
 * ernie45: deepseek_r1's rules on `</think>`; after it, leading newlines are dropped and a
 * `<response>…</response>` wrapper around the answer is removed (with the newlines after `</response>`).
 * Output shape: `abc\n</think>\n\n<response>\ndef\n</response>\n` or `abc\n</think>\ndef`.
 */
export const ernie45: ReasoningParserDefinition = {
  create: createFromThinkTags(
    {
      start: "<think>",
      end: "</think>",
      opening: "reasoning",
      looseStart: true,
      answerPhases: {
        answer: {
          channel: "content",
          transitions: [
            { marker: skippingThen(NEWLINE, "<response>"), next: "response", atPhaseStart: true },
            { marker: runOf(NEWLINE), next: "body", atPhaseStart: true },
          ],
        },
        response: { channel: "content", transitions: [{ marker: literal("</response>"), next: "afterResponse" }] },
        afterResponse: { channel: "content", transitions: [{ marker: runOf(NEWLINE), next: "body", atPhaseStart: true }] },
        body: { channel: "content", transitions: [] },
      },
    },
    { emptyReasoning: "", unclosed: "reasoning" },
  ),
  promptTags: { start: ["<think>"], end: ["</think>"] },
  configurableTags: true,
  closeThought: "\n</think>\n\n",
};
