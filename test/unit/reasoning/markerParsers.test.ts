import { describe, expect, it } from "vitest";
import { createReasoningParser } from "../../../src/index.js";
import { describeSplitCases, type SplitCaseTable } from "./splitHarness.js";

// Research notes §2.4 (granite) and §2.5 (mistral, hunyuan_a13b, ernie45); vLLM's parser sources.
const PARSERS: SplitCaseTable = {
  mistral: {
    tags: ["[THINK]", "[/THINK]"],
    cases: [
      { name: "both tags", output: "[THINK]R[/THINK]X", reasoning: "R", content: "X" },
      { name: "text before [THINK] is content", output: "pre[THINK]R[/THINK]X", reasoning: "R", content: "preX" },
      { name: "only [THINK]", output: "pre[THINK]R", reasoning: "R", content: "pre" },
      { name: "only [THINK], nothing before", output: "[THINK]R", reasoning: "R", content: null },
      { name: "no [THINK]: all content", output: "abc", reasoning: null, content: "abc" },
      { name: "stray [/THINK] is deleted", output: "ab[/THINK]c", reasoning: null, content: "abc" },
      { name: "empty output: content is \"\"", output: "", reasoning: null, content: "" },
    ],
  },
  "mistral (prompt opened [THINK])": {
    tags: ["[/THINK]"],
    options: { promptEndsInsideThinking: true },
    cases: [{ name: "end tag only", output: "R[/THINK]X", reasoning: "R", content: "X" }],
  },
  granite: {
    tags: ["Here is my thought process:", "Here's my thought process:", "Here is my response:", "Here's my response:"],
    cases: [
      {
        name: "both markers, nothing trimmed",
        output: "Here is my thought process:\nfoo\n\nHere is my response:\nbar",
        reasoning: "\nfoo\n\n",
        content: "\nbar",
      },
      { name: "one line", output: "Here is my thought process: foo Here is my response: bar", reasoning: " foo ", content: " bar" },
      { name: "Here's", output: "Here's my thought process: foo Here's my response: bar", reasoning: " foo ", content: " bar" },
      { name: "mixed forms", output: "Here's my thought process: foo Here is my response: bar", reasoning: " foo ", content: " bar" },
      { name: "no markers: all content", output: "Hello there", reasoning: null, content: "Hello there" },
      { name: "broken marker: all content", output: "Here was my thought", reasoning: null, content: "Here was my thought" },
      {
        name: "a broken response marker stays reasoning",
        output: "Here is my thought process: a Here was b Here is my response: c",
        reasoning: " a Here was b ",
        content: " c",
      },
      { name: "empty parts", output: "Here is my thought process:Here is my response:", reasoning: "", content: null },
      {
        name: "thought without response marker: all content (streamed: reasoning)",
        output: "Here is my thought process: foo",
        reasoning: null,
        content: "Here is my thought process: foo",
        streamed: { reasoning: " foo", content: null },
      },
    ],
  },
  hunyuan_a13b: {
    tags: ["<think>\n", "\n</think>\n<answer>\n", "\n</answer>"],
    cases: [
      { name: "full", output: "<think>\nR\n</think>\n<answer>\nA\n</answer>", reasoning: "R", content: "A" },
      { name: "answer not closed", output: "<think>\nR\n</think>\n<answer>\nA", reasoning: "R", content: "A" },
      { name: "fast think", output: "<think>\n\n</think>\n<answer>\nA\n</answer>", reasoning: null, content: "A" },
      { name: "answer only", output: "A\n</answer>", reasoning: null, content: "A" },
      { name: "plain text", output: "plain", reasoning: null, content: "plain" },
      { name: "empty answer", output: "<think>\nR\n</think>\n<answer>\n", reasoning: "R", content: null },
      {
        name: "thought not closed: all content (streamed: reasoning)",
        output: "<think>\nR",
        reasoning: null,
        content: "<think>\nR",
        streamed: { reasoning: "R", content: null },
      },
    ],
  },
  ernie45: {
    tags: ["<think>", "</think>", "<response>", "</response>"],
    cases: [
      { name: "response wrapper", output: "abc\n</think>\n\n<response>\ndef\n</response>\n", reasoning: "abc\n", content: "\ndef\n" },
      { name: "leading newline dropped", output: "abc\n</think>\ndef", reasoning: "abc\n", content: "def" },
      { name: "start tag", output: "<think>abc</think>def", reasoning: "abc", content: "def" },
      { name: "no end tag: reasoning", output: "abc", reasoning: "abc", content: null },
      { name: "only newlines after </think>", output: "abc</think>\n\n", reasoning: "abc", content: null },
      { name: "unclosed response", output: "abc</think><response>x", reasoning: "abc", content: "x" },
      { name: "newlines inside the answer kept", output: "r</think>\na\n\nb", reasoning: "r", content: "a\n\nb" },
    ],
  },
};

describe("marker parsers", () => {
  describeSplitCases(PARSERS);

  it("granite should hold back a possible response marker while streaming", () => {
    const stream = createReasoningParser("granite").stream();
    expect(stream.push("Here is my")).toEqual({ reasoning: null, content: null });
    expect(stream.push(" thought process: foo")).toEqual({ reasoning: " foo", content: null });
    expect(stream.push(" Here is")).toEqual({ reasoning: " ", content: null });
    expect(stream.push(" my response: bar")).toEqual({ reasoning: null, content: " bar" });
    const broken = createReasoningParser("granite").stream();
    broken.push("Here is my thought process:");
    expect(broken.push("Here is ")).toEqual({ reasoning: null, content: null });
    expect(broken.push("was")).toEqual({ reasoning: "Here is was", content: null });
  });

  it("granite should emit a broken opening marker as content at once", () => {
    const stream = createReasoningParser("granite").stream();
    expect(stream.push("Here is")).toEqual({ reasoning: null, content: null });
    expect(stream.push(" the answer")).toEqual({ reasoning: null, content: "Here is the answer" });
  });
});
