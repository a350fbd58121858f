import { describe, expect, it } from "vitest";
import {
  closeThoughtText,
  createReasoningParser,
  createReasoningTokenCounter,
  reasoningParserNames,
  type ReasoningParserOptions,
} from "../../../src/index.js";
import { thoughtClosingToForce, type ThinkingBudget } from "../../../src/replica/engine/GenerationReasoning.js";

/** Hands the thought over as content, but counts and budgets it as the thought it is (with deepseek_r1's split). */
const APPEND_THINK = "minimax_m2_append_think";

function count(parser: string, tokens: readonly string[], options: ReasoningParserOptions = {}): number {
  const counter = createReasoningTokenCounter(createReasoningParser(parser, options).stream());
  for (const token of tokens) counter.push(token);
  counter.end();
  return counter.reasoningTokens();
}

describe("createReasoningTokenCounter", () => {
  it("should count the tokens whose text is reasoning, never the tags or the answer", () => {
    expect(count("qwen3", ["<think>", "\nOk", "ay", ".\n", "</think>", "\n\n", "Hi", "!"])).toBe(3);
    expect(count("qwen3", [..."<think>\nOkay.\n</think>\n\nHi!"])).toBe("\nOkay.\n".length);
    expect(count("mistral", ["x", "[THINK]", "a", "b", "[/THINK]", "c"])).toBe(2);
    expect(count("granite", ["Here is my thought process:", " a", " b", "Here is my response:", " c"])).toBe(2);
    expect(count("hunyuan_a13b", ["<think>\n", "a", "\n</think>\n<answer>\n", "b", "\n</answer>"])).toBe(1);
    expect(count("glm45", ["pre", "<think>", "a", "</think>", "b"])).toBe(1);
    const harmony = ["<|channel|>", "analysis", "<|message|>", "a", "b", "<|end|>", "<|start|>", "assistant", "<|channel|>", "final", "<|message|>", "c"];
    expect(count("openai_gptoss", harmony)).toBe(2);
  });

  it("should count a token that carries both reasoning and a tag, and none with thinking off", () => {
    expect(count("qwen3", ["<think>", "\nOk.\n</think>", "\n\nHi"])).toBe(1);
    expect(count("qwen3", ["<think>", "a", "</think>"], { chatTemplateKwargs: { enable_thinking: false } })).toBe(0);
    expect(count("deepseek_r1", ["a", "b", "</think>", "c"])).toBe(2);
  });

  it("should hold back a possible tag as at most reasoning, then settle it", () => {
    const counter = createReasoningTokenCounter(createReasoningParser("mistral", { promptEndsInsideThinking: true }).stream());
    counter.push("a");
    counter.push("[/");
    expect(counter.reasoningTokens()).toBe(1);
    expect(counter.reasoningTokensAtMost()).toBe(2);
    expect(counter.inReasoning()).toBe(true);
    counter.push("THINK]");
    expect(counter.reasoningTokensAtMost()).toBe(1);
    expect(counter.inReasoning()).toBe(false);
    counter.push("b");
    counter.end();
    expect(counter.reasoningTokens()).toBe(1);
  });

  it("should agree with the streamed text split for every parser: a token counts when its text reaches the reasoning", () => {
    for (const parser of reasoningParserNames) {
      const options = { promptEndsInsideThinking: true, chatTemplateKwargs: { thinking: true } };
      const tokens = ["why", " so", ...closeThoughtText(parser).split(/(?<=\n)/), "answer"];
      const stream = createReasoningParser(parser === APPEND_THINK ? "deepseek_r1" : parser, options).stream();
      const expected = tokens.filter((token) => (stream.push(token).reasoning ?? "") !== "").length;
      expect(count(parser, tokens, options), parser).toBe(expected);
    }
  });
});

describe("closeThought", () => {
  it("should end the thought in every parser's own format, so what follows is the answer", () => {
    for (const parser of reasoningParserNames) {
      const options = { promptEndsInsideThinking: true, chatTemplateKwargs: { thinking: true } };
      const output = `thinking${closeThoughtText(parser)}answer`;
      const split = createReasoningParser(parser, options).extract(output);
      if (parser === APPEND_THINK) {
        expect(split, parser).toEqual({ reasoning: null, content: `<think>${output}` });
      } else {
        expect(split.reasoning?.trim(), parser).toBe("thinking");
        expect(split.content?.trim(), parser).toBe("answer");
      }
      const counter = createReasoningTokenCounter(createReasoningParser(parser, options).stream());
      counter.push("thinking");
      expect(counter.inReasoning(), parser).toBe(true);
      counter.push(closeThoughtText(parser));
      expect(counter.inReasoning(), parser).toBe(false);
    }
  });
});

describe("closeThoughtText with reasoning_config's tags", () => {
  const thinkTags = { start: "<|begin_of_thought|>", end: "<|end_of_thought|>" };

  it("should close with the configured end string where the parser splits on the configured tags", () => {
    for (const parser of ["deepseek_r1", "qwen3", "seed_oss", "step3p5", "granite_thinking", "nemotron_v3"]) {
      expect(closeThoughtText(parser, thinkTags), parser).toBe(thinkTags.end);
      const options = { promptEndsInsideThinking: true, thinkTags };
      const counter = createReasoningTokenCounter(createReasoningParser(parser, options).stream());
      counter.push("thinking");
      counter.push(closeThoughtText(parser, thinkTags));
      counter.push("answer");
      counter.end();
      expect([counter.inReasoning(), counter.reasoningTokens()], parser).toEqual([false, 1]);
    }
  });

  it("should keep the parser's own closing where its markers are not tags", () => {
    expect(closeThoughtText("mistral", thinkTags)).toBe("[/THINK]");
    expect(closeThoughtText("openai_gptoss", thinkTags)).toBe("<|end|><|start|>assistant<|channel|>final<|message|>");
  });
});

describe("thoughtClosingToForce", () => {
  const budget: ThinkingBudget = { limit: 5, closing: [10, 11, 12] as never, closingReasoningTokens: 1 };
  const counter = (atMost: number, inReasoning = true) => ({
    push: () => undefined,
    end: () => undefined,
    reasoningTokens: () => atMost,
    reasoningTokensAtMost: () => atMost,
    inReasoning: () => inReasoning,
  });

  it("should force the closing when the thought plus the closing's own reasoning token reaches the limit", () => {
    expect(thoughtClosingToForce(budget, counter(3), 0, 100)).toBeUndefined();
    expect(thoughtClosingToForce(budget, counter(4), 0, 100)).toEqual([10, 11, 12]);
    expect(thoughtClosingToForce(budget, counter(3), 1, 100)).toEqual([10, 11, 12]);
  });

  it("should drop the closing's reasoning tokens that do not fit, stay out of answers, and respect max_tokens", () => {
    expect(thoughtClosingToForce({ ...budget, limit: 0 }, counter(0), 0, 100)).toEqual([11, 12]);
    expect(thoughtClosingToForce(budget, counter(9, false), 0, 100)).toBeUndefined();
    expect(thoughtClosingToForce(budget, counter(4), 0, 2)).toEqual([10, 11]);
  });
});
