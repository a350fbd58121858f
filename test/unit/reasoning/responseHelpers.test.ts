import { describe, expect, it } from "vitest";
import {
  createReasoningParser,
  messagesForTemplate,
  promptThinkingState,
  reasoningDeltaFields,
  reasoningMessageFields,
  resolveChatTemplateKwargs,
  thinkingRequested,
} from "../../../src/index.js";

describe("resolveChatTemplateKwargs", () => {
  it("should merge the request's kwargs over the model's defaults", () => {
    expect(resolveChatTemplateKwargs({ chat_template_kwargs: { enable_thinking: true } }, { enable_thinking: false, x: 1 })).toEqual({
      enable_thinking: true,
      x: 1,
    });
  });

  it("should map reasoning_effort none to both thinking switches off, below explicit kwargs", () => {
    expect(resolveChatTemplateKwargs({ reasoning_effort: "none" }, { enable_thinking: true })).toEqual({
      enable_thinking: false,
      thinking: false,
    });
    expect(resolveChatTemplateKwargs({ reasoning_effort: "none", chat_template_kwargs: { thinking: true } })).toEqual({
      enable_thinking: false,
      thinking: true,
    });
  });

  it("should pass other reasoning_effort values to the template", () => {
    expect(resolveChatTemplateKwargs({ reasoning_effort: "high" })).toEqual({ reasoning_effort: "high" });
  });

  it("should treat a null chat_template_kwargs as absent", () => {
    expect(resolveChatTemplateKwargs({ chat_template_kwargs: null }, { a: 1 })).toEqual({ a: 1 });
  });
});

describe("thinkingRequested", () => {
  it("should read both spellings and the model default", () => {
    expect(thinkingRequested({})).toBeUndefined();
    expect(thinkingRequested({ chat_template_kwargs: { enable_thinking: false } })).toBe(false);
    expect(thinkingRequested({ chat_template_kwargs: { thinking: true } })).toBe(true);
    expect(thinkingRequested({}, { enable_thinking: false })).toBe(false);
    expect(thinkingRequested({ chat_template_kwargs: { enable_thinking: true } }, { enable_thinking: false })).toBe(true);
    expect(thinkingRequested({ reasoning_effort: "none" })).toBe(false);
    expect(thinkingRequested({ reasoning_effort: "low" })).toBeUndefined();
  });
});

describe("reasoningMessageFields", () => {
  const split = { reasoning: "R", content: "X" };

  it("should set both names by default", () => {
    expect(reasoningMessageFields(split)).toEqual({ content: "X", reasoning: "R", reasoning_content: "R" });
  });

  it("should set one name when configured", () => {
    expect(reasoningMessageFields(split, { fieldNames: "reasoning" })).toEqual({ content: "X", reasoning: "R" });
    expect(reasoningMessageFields(split, { fieldNames: "reasoning_content" })).toEqual({ content: "X", reasoning_content: "R" });
  });

  it("should null the reasoning for include_reasoning false and when there is none", () => {
    expect(reasoningMessageFields(split, { includeReasoning: false })).toEqual({ content: "X", reasoning: null, reasoning_content: null });
    expect(reasoningMessageFields({ reasoning: null, content: "X" })).toEqual({ content: "X", reasoning: null, reasoning_content: null });
  });
});

describe("reasoningDeltaFields", () => {
  it("should carry only the set fields, and nothing for an empty split", () => {
    expect(reasoningDeltaFields({ reasoning: "R", content: null })).toEqual({ reasoning: "R", reasoning_content: "R" });
    expect(reasoningDeltaFields({ reasoning: "R", content: "X" }, { fieldNames: "reasoning" })).toEqual({ reasoning: "R", content: "X" });
    expect(reasoningDeltaFields({ reasoning: null, content: null })).toBeUndefined();
  });

  it("should drop reasoning-only deltas for include_reasoning false", () => {
    expect(reasoningDeltaFields({ reasoning: "R", content: null }, { includeReasoning: false })).toBeUndefined();
    expect(reasoningDeltaFields({ reasoning: "R", content: "X" }, { includeReasoning: false })).toEqual({ content: "X" });
  });
});

describe("messagesForTemplate", () => {
  it("should give the template reasoning_content for assistant messages carrying either key", () => {
    const messages = [
      { role: "user", content: "q", reasoning: "not an assistant" },
      { role: "assistant", content: "a1", reasoning: "r1" },
      { role: "assistant", content: "a2", reasoning_content: "r2" },
      { role: "assistant", content: "a3" },
    ];
    expect(messagesForTemplate(messages)).toEqual([
      { role: "user", content: "q", reasoning: "not an assistant" },
      { role: "assistant", content: "a1", reasoning: "r1", reasoning_content: "r1" },
      { role: "assistant", content: "a2", reasoning: "r2", reasoning_content: "r2" },
      { role: "assistant", content: "a3" },
    ]);
    expect(messages[1]).toEqual({ role: "assistant", content: "a1", reasoning: "r1" });
  });
});

describe("promptThinkingState", () => {
  it("should read the end of the rendered prompt only", () => {
    expect(promptThinkingState("qwen3", "<|im_start|>assistant\n<think>\n")).toEqual({
      promptEndsInsideThinking: true,
      promptEndsAfterThinking: false,
    });
    expect(promptThinkingState("qwen3", "<|im_start|>assistant\n<think>\n\n</think>\n\n")).toEqual({
      promptEndsInsideThinking: false,
      promptEndsAfterThinking: true,
    });
    expect(promptThinkingState("qwen3", "<think>old</think>a<|im_end|>\n<|im_start|>assistant\n")).toEqual({
      promptEndsInsideThinking: false,
      promptEndsAfterThinking: false,
    });
    expect(promptThinkingState("mistral", "[INST]q[/INST][THINK]").promptEndsInsideThinking).toBe(true);
    expect(promptThinkingState("granite", "anything")).toEqual({ promptEndsInsideThinking: false, promptEndsAfterThinking: false });
  });

  it("should turn deepseek_r1 into all content after a closed think block (vllm#17349)", () => {
    const state = promptThinkingState("deepseek_r1", "<|im_start|>assistant\n<think>\n\n</think>\n\n");
    expect(createReasoningParser("deepseek_r1", state).extract("Answer")).toEqual({ reasoning: null, content: "Answer" });
  });
});
