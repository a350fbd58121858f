import { describe, expect, it } from "vitest";
import { createReasoningParser } from "../../../src/index.js";
import { describeSplitCases, type SplitCaseTable } from "./splitHarness.js";

const TAGS = ["<think>", "</think>"];

// Research notes §0 and §2.5: glm45, olmo3, step3, seed_oss, deepseek_v3.
const FAMILY: SplitCaseTable = {
  glm45: {
    tags: TAGS,
    cases: [
      { name: "both tags", output: "<think>R</think>X", reasoning: "R", content: "X" },
      { name: "empty thought", output: "<think></think>X", reasoning: "", content: "X" },
      { name: "no tags: all content", output: "abc", reasoning: null, content: "abc" },
      { name: "stray end tag stays content", output: "</think>x", reasoning: null, content: "</think>x" },
      { name: "leading newline before <think>", output: "\n<think>R</think>X", reasoning: "R", content: "X" },
      {
        name: "only <think>: all content, verbatim (streamed: reasoning)",
        output: "<think>x",
        reasoning: null,
        content: "<think>x",
        streamed: { reasoning: "x", content: null },
      },
    ],
  },
  "glm45 (prompt opened <think>)": {
    tags: TAGS,
    options: { promptEndsInsideThinking: true },
    cases: [{ name: "end tag only", output: "R</think>X", reasoning: "R", content: "X" }],
  },
  olmo3: {
    tags: TAGS,
    cases: [
      { name: "both tags", output: "<think>R</think>X", reasoning: "R", content: "X" },
      { name: "end tag only", output: "R</think>X", reasoning: "R", content: "X" },
      { name: "empty reasoning is null", output: "</think>X", reasoning: null, content: "X" },
      { name: "no content", output: "<think>R</think>", reasoning: "R", content: null },
      { name: "<think> only counts at the very start", output: " <think>R</think>X", reasoning: " <think>R", content: "X" },
      {
        name: "no end tag: all content (streamed: reasoning)",
        output: "R",
        reasoning: null,
        content: "R",
        streamed: { reasoning: "R", content: null },
      },
      {
        name: "only <think>: verbatim content (streamed: reasoning)",
        output: "<think>R",
        reasoning: null,
        content: "<think>R",
        streamed: { reasoning: "R", content: null },
      },
    ],
  },
  step3: {
    tags: ["</think>"],
    cases: [
      { name: "end tag", output: "R</think>X", reasoning: "R", content: "X" },
      { name: "no end tag: reasoning", output: "R", reasoning: "R", content: null },
      { name: "<think> is text", output: "<think>R</think>X", reasoning: "<think>R", content: "X" },
      { name: "empty reasoning", output: "</think>answer", reasoning: "", content: "answer" },
      { name: "no content", output: "R</think>", reasoning: "R", content: null },
    ],
  },
  seed_oss: {
    tags: ["<seed:think>", "</seed:think>"],
    cases: [
      { name: "both tags", output: "<seed:think>R</seed:think>X", reasoning: "R", content: "X" },
      { name: "end tag only", output: "R</seed:think>X", reasoning: "R", content: "X" },
      { name: "no end tag: reasoning", output: "R", reasoning: "R", content: null },
      { name: "<think> tags are text", output: "<think>R</think>X", reasoning: "<think>R</think>X", content: null },
    ],
  },
  "deepseek_v3 (default: thinking off)": {
    tags: TAGS,
    cases: [{ name: "identity", output: "<think>R</think>X", reasoning: null, content: "<think>R</think>X" }],
  },
  "deepseek_v3 (thinking: true)": {
    tags: TAGS,
    options: { chatTemplateKwargs: { thinking: true } },
    cases: [
      { name: "R1 split", output: "<think>R</think>X", reasoning: "R", content: "X" },
      { name: "R1 truncated", output: "R", reasoning: "R", content: null },
    ],
  },
  "deepseek_v3 (enable_thinking: true)": {
    tags: TAGS,
    options: { chatTemplateKwargs: { enable_thinking: true } },
    cases: [{ name: "R1 split", output: "R</think>X", reasoning: "R", content: "X" }],
  },
};

describe("think-tag parsers", () => {
  describeSplitCases(FAMILY);

  it("should serve kimi_k2 and minimax_m2 as deepseek_r1 (vLLM aliases)", () => {
    for (const name of ["kimi_k2", "minimax_m2"]) {
      expect(createReasoningParser(name).extract("R</think>X")).toEqual({ reasoning: "R", content: "X" });
    }
  });

  it("should give all content for every parser when the prompt already closed thinking", () => {
    for (const name of ["deepseek_r1", "seed_oss", "step3", "glm45", "olmo3", "ernie45", "mistral", "granite", "hunyuan_a13b"]) {
      const parser = createReasoningParser(name, { promptEndsAfterThinking: true });
      expect(parser.extract("R</think>X"), name).toEqual({ reasoning: null, content: "R</think>X" });
    }
  });
});
