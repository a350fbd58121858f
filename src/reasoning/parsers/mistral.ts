import { identityParser, parserFromMachine } from "../parserFromMachine.js";
import { literal } from "../markers.js";
import type { ReasoningParserDefinition } from "../ReasoningParserDefinition.js";
import type { ReasoningParser } from "../ReasoningParser.js";

const START = "[THINK]";
const END = "[/THINK]";

/**
 * mistral (Magistral): reasoning between `[THINK]` and `[/THINK]`; content is the text before `[THINK]` plus the
 * text after `[/THINK]`; only `[THINK]` → the rest is reasoning; no `[THINK]` → all content, a stray `[/THINK]`
 * deleted. As in vLLM, an empty output gives content `""` (not null) when not streamed.
 */
export const mistral: ReasoningParserDefinition = {
  create: (options) => {
    if (options.promptEndsAfterThinking) return identityParser;
    const machine = parserFromMachine(
      {
        initial: options.promptEndsInsideThinking ? "thinking" : "before",
        phases: {
          before: {
            channel: "content",
            transitions: [
              { marker: literal(START), next: "thinking" },
              { marker: literal(END), next: "before" },
            ],
          },
          thinking: { channel: "reasoning", transitions: [{ marker: literal(END), next: "after" }] },
          after: { channel: "content", transitions: [] },
        },
      },
      { emptyReasoning: "", unclosed: "reasoning" },
    );
    const parser: ReasoningParser = {
      extract: (output) => (output === "" ? { reasoning: null, content: "" } : machine.extract(output)),
      stream: machine.stream,
    };
    return parser;
  },
  promptTags: { start: [START], end: [END] },
  closeThought: END,
};
