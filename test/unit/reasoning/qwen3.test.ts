import { describe, expect, it } from "vitest";
import { createReasoningParser } from "../../../src/index.js";
import { checkCase, streamDeltas, type SplitCase } from "./splitHarness.js";

const TAGS = ["<think>", "</think>", "<tool_call>"];
const TOOL_CALL_BODY =
  "<tool_call>\n<function=bash>\n<parameter=command>\ncat /etc/hosts\n</parameter>\n</function>\n</tool_call>";

// vLLM 2026 tests/reasoning/test_qwen3_reasoning_parser.py (research notes §2.3 C).
const CASES: SplitCase[] = [
  { name: "without start token", output: "This is a reasoning section</think>This is the rest", reasoning: "This is a reasoning section", content: "This is the rest" },
  { name: "without start token, complete reasoning", output: "This is a reasoning section</think>", reasoning: "This is a reasoning section", content: null },
  { name: "with think", output: "<think>This is a reasoning section</think>This is the rest", reasoning: "This is a reasoning section", content: "This is the rest" },
  { name: "without think (truncated)", output: "This is the rest", reasoning: "This is the rest", content: null },
  { name: "complete reasoning", output: "<think>This is a reasoning section</think>", reasoning: "This is a reasoning section", content: null },
  { name: "multiline", output: "<think>This is a reasoning\nsection</think>This is the rest\nThat", reasoning: "This is a reasoning\nsection", content: "This is the rest\nThat" },
  { name: "only open tag", output: "<think>This is a reasoning section", reasoning: "This is a reasoning section", content: null },
  { name: "tool call without </think>", output: "I need to read the file.\n\n" + TOOL_CALL_BODY, reasoning: "I need to read the file.\n\n", content: TOOL_CALL_BODY },
  { name: "tool call with <think>, no end", output: "<think>I need to read the file.\n\n" + TOOL_CALL_BODY, reasoning: "I need to read the file.\n\n", content: TOOL_CALL_BODY },
  { name: "tool call after </think>", output: "I'll check</think><tool_call><function=get_weather></function></tool_call>", reasoning: "I'll check", content: "<tool_call><function=get_weather></function></tool_call>" },
  { name: "<tool_call> not followed by <function stays reasoning", output: "a <tool_call> b", reasoning: "a <tool_call> b", content: null },
  { name: "<tool_call> with a space form", output: "x<tool_call> <function name=f>", reasoning: "x", content: "<tool_call> <function name=f>" },
  { name: "/no_think empty block is not trimmed", output: "<think>\n\n</think>\n\nAnswer", reasoning: "\n\n", content: "\n\nAnswer" },
];

// The 2026 split-tag streaming vectors: [deltas, reasoning, content]. One deliberate difference: vLLM's snapshot
// expects "First reasoning Second reasoning" without the space that precedes the split "</think>"; we keep it, as
// vLLM's own non-streamed split of the same text does (nothing is trimmed).
const SPLIT_DELTAS: Array<[string[], string, string | null]> = [
  [["This is reasoning text", "</", "think>", "This is content"], "This is reasoning text", "This is content"],
  [["This is reasoning text<", "/think", ">", "This is content"], "This is reasoning text", "This is content"],
  [["First reasoning", " Second reasoning", " </t" + "hi", "nk>", "content"], "First reasoning Second reasoning ", "content"],
  [["This is reasoning", "This is content without end tag"], "This is reasoningThis is content without end tag", null],
  [["This is reasoning</t" + "hi", "nkThis is content"], "This is reasoning</thinkThis is content", null],
  [["This is reasoning</th", "ink>This is content"], "This is reasoning", "This is content"],
  [["This is reasoning", "</th", "i", "nk>", "content"], "This is reasoning", "content"],
  [["<think>This is a reasoning section", "</think>", "This is the rest"], "This is a reasoning section", "This is the rest"],
  [["<think>reasoning</think>"], "reasoning", null],
  [["I need to read the file.\n\n", "<tool_call>\n<function=bash>"], "I need to read the file.\n\n", "<tool_call>\n<function=bash>"],
];

describe("qwen3", () => {
  const parser = createReasoningParser("qwen3");
  for (const testCase of CASES) {
    it(`should split: ${testCase.name}`, () => checkCase(parser, testCase, TAGS));
  }

  for (const [deltas, reasoning, content] of SPLIT_DELTAS) {
    it(`should stream ${JSON.stringify(deltas)}`, () => {
      expect(streamDeltas(parser, deltas)).toEqual({ reasoning, content });
    });
  }

  it("should hold a tentative <tool_call> until <function confirms or denies it", () => {
    const stream = parser.stream();
    expect(stream.push("think <tool_call>\n")).toEqual({ reasoning: "think ", content: null });
    expect(stream.push("<func")).toEqual({ reasoning: null, content: null });
    expect(stream.push("tion=f>")).toEqual({ reasoning: null, content: "<tool_call>\n<function=f>" });
    const denied = parser.stream();
    expect(denied.push("<tool_call>\n")).toEqual({ reasoning: null, content: null });
    expect(denied.push("hmm")).toEqual({ reasoning: "<tool_call>\nhmm", content: null });
  });

  describe("with thinking off", () => {
    const offCases = [
      "This is plain content",
      "I need to read the file.\n\n" + TOOL_CALL_BODY,
      "<think>kept</think> verbatim",
    ];
    for (const options of [{ chatTemplateKwargs: { enable_thinking: false } }, { promptEndsAfterThinking: true }]) {
      for (const output of offCases) {
        it(`should give all content with ${JSON.stringify(options)}: ${JSON.stringify(output)}`, () => {
          const off = createReasoningParser("qwen3", options);
          expect(off.extract(output)).toEqual({ reasoning: null, content: output });
          expect(streamDeltas(off, [...output])).toEqual({ reasoning: null, content: output });
        });
      }
    }

    it("should still split when enable_thinking is false but the prompt opened <think>", () => {
      const inside = createReasoningParser("qwen3", {
        chatTemplateKwargs: { enable_thinking: false },
        promptEndsInsideThinking: true,
      });
      expect(inside.extract("R</think>X")).toEqual({ reasoning: "R", content: "X" });
    });

    it("should treat enable_thinking true like the default", () => {
      const on = createReasoningParser("qwen3", { chatTemplateKwargs: { enable_thinking: true } });
      expect(on.extract("R</think>X")).toEqual({ reasoning: "R", content: "X" });
    });
  });
});
