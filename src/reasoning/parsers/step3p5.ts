import type { MachineSpec, Transition } from "../markerMachine.js";
import { literal, type Marker } from "../markers.js";
import { createFromMachine } from "../parserFromMachine.js";
import type { ReasoningParser, ReasoningParserOptions, ThinkTags } from "../ReasoningParser.js";
import type { ReasoningParserDefinition } from "../ReasoningParserDefinition.js";

const START = "<think>";
const END = "</think>";

/** A `"\n"` that ends the output (decided only once it is over): a truncated thought's last newline. */
const finalNewline: Marker = (text, at, final) => {
  if (text[at] !== "\n" || at + 1 !== text.length) return undefined;
  return final ? 1 : "partial";
};

/**
 * The think-tag machine with Step-3.5's trimming: one `"\n"` right before `</think>` and one right after it are
 * dropped, and so is a newline that ends an unfinished thought. Without `<think>` the text before `</think>` is
 * reasoning (the template opened the thought); text before a `<think>` streams as reasoning, as in vLLM.
 */
function step3p5Machine(initial: "opening" | "thinking", tags: ThinkTags): MachineSpec {
  const ends: Transition[] = [
    { marker: literal(`\n${tags.end}`), next: "afterEnd" },
    { marker: literal(tags.end), next: "afterEnd" },
  ];
  return {
    initial,
    phases: {
      opening: {
        channel: "reasoning",
        transitions: [
          { marker: literal(tags.start), next: "thinking" },
          ...ends,
          { marker: finalNewline, next: "opening" },
        ],
      },
      thinking: { channel: "reasoning", transitions: [...ends, { marker: finalNewline, next: "thinking" }] },
      afterEnd: { channel: "content", transitions: [{ marker: literal("\n"), next: "answer", atPhaseStart: true }] },
      answer: { channel: "content", transitions: [] },
    },
  };
}

const RULES = { emptyReasoning: null, unclosed: "reasoning" } as const;

/**
 * step3p5: deepseek_r1's split with Step-3.5's newline trimming (`step3p5Machine`); empty parts are null. Not
 * streamed, text before a `<think>` that opens the thought is content (vLLM keeps such a prefix since its
 * issue 51164); streamed, it has already gone out as reasoning, as in vLLM.
 */
export const step3p5: ReasoningParserDefinition = {
  create: (options: ReasoningParserOptions): ReasoningParser => {
    const tags = options.thinkTags ?? { start: START, end: END };
    const initial = options.promptEndsInsideThinking ? "thinking" : "opening";
    const parser = createFromMachine(() => step3p5Machine(initial, tags), RULES)(options);
    const afterStart = createFromMachine(() => step3p5Machine("thinking", tags), RULES)(options);
    return {
      extract(output) {
        const start = output.indexOf(tags.start);
        const end = output.indexOf(tags.end);
        if (initial === "thinking" || start < 0 || (end >= 0 && end < start) || options.promptEndsAfterThinking) {
          return parser.extract(output);
        }
        const split = afterStart.extract(output.slice(start + tags.start.length));
        return { reasoning: split.reasoning, content: output.slice(0, start) + (split.content ?? "") || null };
      },
      stream: parser.stream,
    };
  },
  promptTags: { start: [START], end: [END] },
  configurableTags: true,
  /** `</think>` with the newlines around it that Step-3.5 writes and the split trims. */
  closeThought: `\n${END}\n`,
};
