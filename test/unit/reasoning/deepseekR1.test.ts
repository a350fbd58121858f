import { describe, expect, it } from "vitest";
import { createReasoningParser } from "../../../src/index.js";
import { checkCase, streamDeltas, type SplitCase } from "./splitHarness.js";

const TAGS = ["<think>", "</think>"];

// vLLM tests/reasoning/test_deepseekr1_reasoning_parser.py and the research notes §0, §2.2.
const CASES: SplitCase[] = [
  { name: "start and end", output: "<think>This is a reasoning section</think>This is the rest", reasoning: "This is a reasoning section", content: "This is the rest" },
  { name: "no start tag (template opened it)", output: "This is a reasoning section</think>This is the rest", reasoning: "This is a reasoning section", content: "This is the rest" },
  { name: "no tags: everything is reasoning", output: "This is content", reasoning: "This is content", content: null },
  { name: "only start tag: truncated thought", output: "<think>This is a reasoning section", reasoning: "This is a reasoning section", content: null },
  { name: "complete reasoning, no content", output: "<think>This is a reasoning section</think>", reasoning: "This is a reasoning section", content: null },
  { name: "empty reasoning", output: "</think>This is the rest", reasoning: "", content: "This is the rest" },
  { name: "empty output", output: "", reasoning: "", content: null },
  { name: "newline before <think> is dropped", output: "\n<think>R</think>\nX", reasoning: "R", content: "\nX" },
  { name: "nothing is trimmed", output: "<think>\nabc\n</think>\n\nxyz", reasoning: "\nabc\n", content: "\n\nxyz" },
  { name: "multiline", output: "<think>This is a reasoning\nsection</think>This is the rest\nThat", reasoning: "This is a reasoning\nsection", content: "This is the rest\nThat" },
  { name: "only the first end tag splits", output: "A</think>B</think>C", reasoning: "A", content: "B</think>C" },
  { name: "only the first start tag is removed", output: "<think>A<think>B</think>C", reasoning: "A<think>B", content: "C" },
];

describe("deepseek_r1", () => {
  const parser = createReasoningParser("deepseek_r1");
  for (const testCase of CASES) {
    it(`should split: ${testCase.name}`, () => checkCase(parser, testCase, TAGS));
  }

  it("should hold back an end tag split across deltas and yield nothing for a lone tag", () => {
    const stream = parser.stream();
    expect(stream.push("abc</thi")).toEqual({ reasoning: "abc", content: null });
    expect(stream.push("nk>")).toEqual({ reasoning: null, content: null });
    expect(stream.push("xyz")).toEqual({ reasoning: null, content: "xyz" });
    expect(stream.end()).toEqual({ reasoning: null, content: null });
  });

  it("should yield both fields for a delta that contains the end tag", () => {
    const stream = parser.stream();
    expect(stream.push("<think>")).toEqual({ reasoning: null, content: null });
    expect(stream.push("abc</think>xyz")).toEqual({ reasoning: "abc", content: "xyz" });
  });

  it("should flush a held partial tag as reasoning at the end", () => {
    expect(streamDeltas(parser, ["abc", "</thi"])).toEqual({ reasoning: "abc</thi", content: null });
    expect(parser.extract("abc</thi")).toEqual({ reasoning: "abc</thi", content: null });
  });

  it("should keep non-whitespace text before <think> as reasoning, streamed or not", () => {
    expect(parser.extract("pre<think>R</think>X")).toEqual({ reasoning: "preR", content: "X" });
    expect(streamDeltas(parser, [..."pre<think>R</think>X"])).toEqual({ reasoning: "preR", content: "X" });
  });

  it("should give all content when the prompt already closed thinking", () => {
    const closed = createReasoningParser("deepseek_r1", { promptEndsAfterThinking: true });
    expect(closed.extract("R</think>X")).toEqual({ reasoning: null, content: "R</think>X" });
    expect(streamDeltas(closed, ["R</think>", "X"])).toEqual({ reasoning: null, content: "R</think>X" });
  });
});
