import { runOf } from "../markers.js";
import { identityParser } from "../parserFromMachine.js";
import type { ReasoningParserDefinition } from "../ReasoningParserDefinition.js";
import { forcingContent } from "./forcingContent.js";
import { createFromThinkTags } from "./thinkTagParsers.js";

const START = "<think>";
const END = "</think>";

/** deepseek_r1's split, with every newline right after `</think>` dropped (Granite 4's template writes one). */
const thinkTags = createFromThinkTags(
  {
    start: START,
    end: END,
    opening: "reasoning",
    looseStart: true,
    answerPhases: {
      answer: { channel: "content", transitions: [{ marker: runOf(/\n/), next: "body", atPhaseStart: true }] },
      body: { channel: "content", transitions: [] },
    },
  },
  { emptyReasoning: "", unclosed: "reasoning" },
);

/**
 * granite_thinking (Granite 4 `<think>` models): deepseek_r1's split with the newlines after `</think>` dropped;
 * `enable_thinking: false` (or `thinking: false`) makes everything content; `force_nonempty_content: true` in the
 * template kwargs turns a thought without an answer into the answer.
 */
export const graniteThinking: ReasoningParserDefinition = {
  create: (options) => {
    const kwargs = options.chatTemplateKwargs ?? {};
    const off = (kwargs["enable_thinking"] === false || kwargs["thinking"] === false) && !options.promptEndsInsideThinking;
    if (off) return identityParser;
    const parser = thinkTags(options);
    return kwargs["force_nonempty_content"] === true ? forcingContent(parser, options.thinkTags?.end ?? END) : parser;
  },
  promptTags: { start: [START], end: [END] },
  configurableTags: true,
  closeThought: `\n${END}\n`,
};
