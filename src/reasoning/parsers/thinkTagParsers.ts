import { createFromMachine, identityParser, parserFromMachine, type ExtractRules } from "../parserFromMachine.js";
import type { MachineSpec, Transition } from "../markerMachine.js";
import { literal, sequence, skippingThen, whitespaceThen } from "../markers.js";
import type { ReasoningParser, ReasoningParserOptions } from "../ReasoningParser.js";
import type { ReasoningParserDefinition } from "../ReasoningParserDefinition.js";

export interface ThinkTagSpec {
  /** The start tag; absent when only the end tag exists (step3). */
  start?: string;
  end: string;
  /**
   * The channel of the text before any tag. `"reasoning"` assumes the template opened thinking (deepseek_r1,
   * qwen3, step3, olmo3); `"content"` waits for the start tag (glm45).
   */
  opening: "reasoning" | "content";
  /** Whether the start tag may be preceded by whitespace (dropped) and appear anywhere before the end tag. */
  looseStart: boolean;
  /** More markers that end the reasoning; their text is kept as content (qwen3's `<tool_call><function`). */
  implicitEnds?: readonly Transition["marker"][];
  /** Extra phases entered after the end tag (ernie45's `<response>` wrapper); the answer starts in `answer`. */
  answerPhases?: MachineSpec["phases"];
}

/**
 * The generic think-tag machine: `opening` (before any tag) → `thinking` (after the start tag) → `answer`.
 * Only the first start tag and the first end tag are markers; later ones are text.
 */
export function thinkTagMachine(spec: ThinkTagSpec, options: ReasoningParserOptions): MachineSpec {
  const startTag = spec.start === undefined ? undefined : (options.thinkTags?.start ?? spec.start);
  const ends: Transition[] = [
    { marker: literal(options.thinkTags?.end ?? spec.end), next: "answer" },
    ...(spec.implicitEnds ?? []).map((marker) => ({ marker, next: "answer", keep: true })),
  ];
  const starts: Transition[] = [];
  if (startTag !== undefined) {
    if (spec.looseStart) {
      starts.push({ marker: whitespaceThen(startTag), next: "thinking", atPhaseStart: true });
      starts.push({ marker: literal(startTag), next: "thinking" });
    } else {
      starts.push({ marker: literal(startTag), next: "thinking", atPhaseStart: true });
    }
  }
  const opensInside = options.promptEndsInsideThinking === true && spec.opening === "content";
  return {
    initial: opensInside || startTag === undefined ? "thinking" : "opening",
    phases: {
      opening: { channel: spec.opening, transitions: spec.opening === "reasoning" ? [...starts, ...ends] : starts },
      thinking: { channel: "reasoning", transitions: ends },
      answer: { channel: "content", transitions: [] },
      ...spec.answerPhases,
    },
  };
}

/** A think-tag definition's `create`: `thinkTagMachine(spec)` under `rules` (identity once the prompt closed the thought). */
export function createFromThinkTags(spec: ThinkTagSpec, rules: ExtractRules): (options: ReasoningParserOptions) => ReasoningParser {
  return createFromMachine((options) => thinkTagMachine(spec, options), rules);
}

const THINK = { start: "<think>", end: "</think>" } as const;
const THINK_PROMPT_TAGS = { start: [THINK.start], end: [THINK.end] };
/** How DeepSeek-R1 and Qwen3 templates write the end of a thought before the answer. */
const CLOSE_THINK = "\n</think>\n\n";
/**
 * What every parser built on `thinkTagMachine` shares: `<think>`-style prompt tags that `thinkTags` may replace,
 * and the thought closed as the templates write it.
 */
const THINK_TAG_DEFINITION = { promptTags: THINK_PROMPT_TAGS, configurableTags: true, closeThought: CLOSE_THINK } as const;
/** vLLM's deepseek_r1 non-streamed conventions: reasoning is never null once thinking began; truncated = reasoning. */
const R1_RULES: ExtractRules = { emptyReasoning: "", unclosed: "reasoning" };
const R1_SPEC: ThinkTagSpec = { ...THINK, opening: "reasoning", looseStart: true };

function isTruthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== "";
}

/**
 * deepseek_r1: the first `</think>` splits; without `<think>` the text before `</think>` is reasoning (the
 * template opened it); without `</think>` everything is reasoning; whitespace before `<think>` is dropped;
 * nothing is trimmed; empty content is null.
 */
export const deepseekR1: ReasoningParserDefinition = {
  create: createFromThinkTags(R1_SPEC, R1_RULES),
  ...THINK_TAG_DEFINITION,
};

/** Qwen3.5-era tool calls: `<tool_call>` followed (after whitespace) by `<function=` or `<function `. */
const QWEN_TOOL_CALL = sequence(literal("<tool_call>"), skippingThen(/\s/, "<function=", "<function "));

/**
 * qwen3 (vLLM 2026): deepseek_r1's rules, except that with thinking off (`enable_thinking: false`, or the prompt
 * already closed `</think>`) everything is content, and `<tool_call>` + `<function` also ends the reasoning
 * (the tool call itself is content).
 */
export const qwen3: ReasoningParserDefinition = {
  create: (options) => {
    const thinkingOff = options.chatTemplateKwargs?.["enable_thinking"] === false && !options.promptEndsInsideThinking;
    if (options.promptEndsAfterThinking || thinkingOff) return identityParser;
    return parserFromMachine(thinkTagMachine({ ...R1_SPEC, implicitEnds: [QWEN_TOOL_CALL] }, options), R1_RULES);
  },
  ...THINK_TAG_DEFINITION,
};

/** deepseek_v3: deepseek_r1 when `thinking` or `enable_thinking` is truthy in the template kwargs, else all content. */
export const deepseekV3: ReasoningParserDefinition = {
  create: (options) => {
    const kwargs = options.chatTemplateKwargs ?? {};
    const thinking = isTruthy(kwargs["thinking"]) || isTruthy(kwargs["enable_thinking"]) || options.promptEndsInsideThinking;
    return thinking ? deepseekR1.create(options) : identityParser;
  },
  ...THINK_TAG_DEFINITION,
};

/**
 * holo2 (vLLM's DeepSeekV3ReasoningWithThinkingParser): deepseek_r1 unless `thinking` or `enable_thinking` is set
 * and falsy in the template kwargs (thinking is on by default), then all content, a stray `</think>` included.
 */
export const holo2: ReasoningParserDefinition = {
  create: (options) => {
    const kwargs = options.chatTemplateKwargs ?? {};
    const off = ["thinking", "enable_thinking"].some((key) => kwargs[key] !== undefined && !isTruthy(kwargs[key]));
    return off && !options.promptEndsInsideThinking ? identityParser : deepseekR1.create(options);
  },
  ...THINK_TAG_DEFINITION,
};

/** seed_oss: deepseek_r1's rules with `<seed:think>` / `</seed:think>`. */
export const seedOss: ReasoningParserDefinition = {
  create: createFromThinkTags({ start: "<seed:think>", end: "</seed:think>", opening: "reasoning", looseStart: true }, R1_RULES),
  promptTags: { start: ["<seed:think>"], end: ["</seed:think>"] },
  configurableTags: true,
  closeThought: "</seed:think>",
};

/** step3: only `</think>` exists; everything before the first one is reasoning (even with no tag at all). */
export const step3: ReasoningParserDefinition = {
  create: createFromThinkTags({ end: THINK.end, opening: "reasoning", looseStart: false }, R1_RULES),
  ...THINK_TAG_DEFINITION,
};

/**
 * glm45: text is content until `<think>`; not streamed, both tags are needed, else the whole output is content
 * (verbatim, tags included).
 */
export const glm45: ReasoningParserDefinition = {
  create: createFromThinkTags({ ...THINK, opening: "content", looseStart: true }, { emptyReasoning: "", unclosed: "content" }),
  ...THINK_TAG_DEFINITION,
};

/**
 * olmo3: `<think>` (only at the very start) and `</think>` as plain text; the text before `</think>` is
 * reasoning; not streamed, an output without `</think>` is all content; empty parts are null.
 */
export const olmo3: ReasoningParserDefinition = {
  create: createFromThinkTags({ ...THINK, opening: "reasoning", looseStart: false }, { emptyReasoning: null, unclosed: "content" }),
  ...THINK_TAG_DEFINITION,
};
