import { runOf } from "../markers.js";
import { identityParser } from "../parserFromMachine.js";
import type { ReasoningParser, ReasoningSplit, ReasoningStream } from "../ReasoningParser.js";
import type { ReasoningParserDefinition } from "../ReasoningParserDefinition.js";
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

/** Whether any text at all follows the first end tag (whitespace counts: it was an answer, just an empty one). */
function hasTextAfterEnd(output: string, endTag: string): boolean {
  const end = output.indexOf(endTag);
  return end >= 0 && end + endTag.length < output.length;
}

/**
 * `force_nonempty_content`: an answer that never came (the output stopped inside or right at the end of the
 * thought) is replaced by the thought. Not streamed, the thought moves to the content; streamed, it has gone out as
 * reasoning already and comes again as content at the end (vLLM's behaviour both ways).
 */
function forcingContent(parser: ReasoningParser, endTag: string): ReasoningParser {
  return {
    extract(output) {
      const split = parser.extract(output);
      if (split.content !== null || hasTextAfterEnd(output, endTag) || !split.reasoning) return split;
      return { reasoning: null, content: split.reasoning };
    },
    stream(): ReasoningStream {
      const inner = parser.stream();
      let text = "";
      let reasoning = "";
      let sentContent = false;
      const note = (split: ReasoningSplit): ReasoningSplit => {
        reasoning += split.reasoning ?? "";
        if (split.content) sentContent = true;
        return split;
      };
      return {
        push(delta) {
          text += delta;
          return note(inner.push(delta));
        },
        end() {
          const last = note(inner.end());
          if (sentContent || hasTextAfterEnd(text, endTag) || reasoning === "") return last;
          return { reasoning: last.reasoning, content: reasoning };
        },
      };
    },
  };
}

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
};
