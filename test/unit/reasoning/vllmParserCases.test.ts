import { describe, expect, it } from "vitest";
import { createReasoningParser } from "../../../src/index.js";
import { describeSplitCases, sameText, streamDeltas, type SplitCaseTable } from "./splitHarness.js";

const TAGS = ["<think>", "</think>"];

// vLLM's test cases, re-expressed through createReasoningParser. Sources (vllm-project/vllm):
// - step3p5: tests/reasoning/test_step3p5_reasoning_parser.py @ 265c96671c90 (TEST_CASES and
//   test_step3p5_preserves_prefix_before_think); vllm/reasoning/step3p5_reasoning_parser.py @ 018da2c9393.
// - granite_thinking: tests/reasoning/test_granite_thinking_reasoning_parser.py @ 33f12637e16d.
// - minimax_m2_append_think: tests/reasoning/test_minimax_m2_append_reasoning_parser.py @ 41c5903d049b.
// - holo2: tests/reasoning/test_holo2_reasoning_parser.py @ 045d7575500e.
// - nemotron_v3: tests/reasoning/test_nemotron_v3_reasoning_parser.py @ 028e77a725cd.
// - granite: vllm/reasoning/granite_reasoning_parser.py (its non-streamed regex matches anywhere).
// `streamed` is given where vLLM's own streamed result differs from its non-streamed one.
const CASES: SplitCaseTable = {
  step3p5: {
    tags: TAGS,
    cases: [
      { name: "simple_reasoning", output: "This is a reasoning section</think>This is the rest", reasoning: "This is a reasoning section", content: "This is the rest" },
      { name: "complete_reasoning", output: "This is a reasoning section</think>", reasoning: "This is a reasoning section", content: null },
      { name: "no_content_token", output: "This is content", reasoning: "This is content", content: null },
      { name: "multiple_lines", output: "This\nThat</think>This is the rest\nThat", reasoning: "This\nThat", content: "This is the rest\nThat" },
      { name: "shortest", output: "</think>This is the rest", reasoning: null, content: "This is the rest" },
      { name: "reasoning_with_think", output: "<think>This is a reasoning section</think>This is the rest", reasoning: "This is a reasoning section", content: "This is the rest" },
      { name: "complete_reasoning_with_think", output: "<think>This is a reasoning section</think>", reasoning: "This is a reasoning section", content: null },
      { name: "multiple_lines_with_think", output: "<think>This\nThat</think>This is the rest\nThat", reasoning: "This\nThat", content: "This is the rest\nThat" },
      { name: "think_no_end", output: "<think>This is a reasoning section", reasoning: "This is a reasoning section", content: null },
      { name: "empty", output: "", reasoning: null, content: null },
      {
        name: "new_line (streamed: new_line_streaming)",
        output: "\n<think>This is a reasoning section\n</think>\nThis is the rest",
        reasoning: "This is a reasoning section",
        content: "\nThis is the rest",
        streamed: { reasoning: "\nThis is a reasoning section", content: "This is the rest" },
      },
      {
        name: "new_line_streaming_complex_content",
        output: "\n This is a \n reasoning section\n\n\n</think>\n\nThis is the rest",
        reasoning: "\n This is a \n reasoning section\n\n",
        content: "\nThis is the rest",
      },
      {
        name: "prefix before <think> is content (streamed: reasoning)",
        output: "\nIntro<think>reasoning</think>\nAnswer",
        reasoning: "reasoning",
        content: "\nIntroAnswer",
        streamed: { reasoning: "\nIntroreasoning", content: "Answer" },
      },
      { name: "newline after </think> dropped", output: "<think>calc</think>\nAnswer", reasoning: "calc", content: "Answer" },
      { name: "newline before </think> trimmed", output: "<think>reasoning\n</think>\nAnswer", reasoning: "reasoning", content: "Answer" },
      {
        name: "unfinished thought after a prefix",
        output: "before<think>still thinking",
        reasoning: "still thinking",
        content: "before",
        streamed: { reasoning: "beforestill thinking", content: null },
      },
      {
        name: "unfinished thought loses its trailing newline",
        output: "before<think>still thinking\n",
        reasoning: "still thinking",
        content: "before",
        streamed: { reasoning: "beforestill thinking", content: null },
      },
      { name: "newline of the prefix survives", output: "Intro\n<think>reasoning</think>\nAnswer", reasoning: "reasoning", content: "Intro\nAnswer", streamed: { reasoning: "Intro\nreasoning", content: "Answer" } },
      { name: "prefix and answer concatenate", output: "Intro<think>reasoning</think>Answer", reasoning: "reasoning", content: "IntroAnswer", streamed: { reasoning: "Introreasoning", content: "Answer" } },
      { name: "only the stray newline after </think>", output: "Intro<think>reasoning</think>\n", reasoning: "reasoning", content: "Intro", streamed: { reasoning: "Introreasoning", content: null } },
      { name: "only one newline after </think> is dropped", output: "<think>reasoning</think>\n\nAnswer", reasoning: "reasoning", content: "\nAnswer" },
    ],
  },
  granite_thinking: {
    tags: TAGS,
    cases: [
      { name: "leading_newline_stripped", output: "<think>reasoning</think>\nHello", reasoning: "reasoning", content: "Hello" },
      { name: "simple_reasoning", output: "<think>r</think>c", reasoning: "r", content: "c" },
      { name: "without_start_token", output: "This is a reasoning section</think>This is the rest", reasoning: "This is a reasoning section", content: "This is the rest" },
      { name: "with_start_token", output: "<think>This is a reasoning section</think>This is the rest", reasoning: "This is a reasoning section", content: "This is the rest" },
      { name: "multiple_leading_newlines_stripped", output: "<think>reasoning</think>\n\n\nHello", reasoning: "reasoning", content: "Hello" },
      { name: "multiline_reasoning_and_content", output: "<think>line1\nline2</think>\nresult1\nresult2", reasoning: "line1\nline2", content: "result1\nresult2" },
      { name: "no content after end token", output: "<think>reasoning</think>", reasoning: "reasoning", content: null },
      { name: "whitespace-only content", output: "<think>reasoning</think>\n\n", reasoning: "reasoning", content: null },
      { name: "unterminated think block", output: "<think>reasoning only", reasoning: "reasoning only", content: null },
      { name: "truncated reasoning", output: "This is truncated reasoning", reasoning: "This is truncated reasoning", content: null },
    ],
  },
  "granite_thinking (enable_thinking: false)": {
    tags: TAGS,
    options: { chatTemplateKwargs: { enable_thinking: false } },
    cases: [
      { name: "disabled moves into content", output: "This is plain content", reasoning: null, content: "This is plain content" },
      { name: "leading newline kept", output: "\nThis is plain content", reasoning: null, content: "\nThis is plain content" },
    ],
  },
  "granite_thinking (force_nonempty_content)": {
    tags: TAGS,
    options: { chatTemplateKwargs: { force_nonempty_content: true } },
    cases: [
      {
        name: "unterminated thought becomes the content (streamed: both)",
        output: "<think>This is plain content",
        reasoning: null,
        content: "This is plain content",
        streamed: { reasoning: "This is plain content", content: "This is plain content" },
      },
      { name: "no swap when only newlines follow", output: "<think>reasoning</think>\n\n", reasoning: "reasoning", content: null },
      {
        name: "swap when nothing follows </think> (streamed: both)",
        output: "<think>reasoning</think>",
        reasoning: null,
        content: "reasoning",
        streamed: { reasoning: "reasoning", content: "reasoning" },
      },
      { name: "real content is kept", output: "<think>reasoning here</think>real answer", reasoning: "reasoning here", content: "real answer" },
    ],
  },
  minimax_m2_append_think: {
    tags: TAGS,
    cases: [
      { name: "simple_output", output: "This is reasoning</think>This is response", reasoning: null, content: "<think>This is reasoning</think>This is response" },
      { name: "no_end_token", output: "This is reasoning in progress", reasoning: null, content: "<think>This is reasoning in progress" },
      { name: "only_end_token", output: "</think>This is response", reasoning: null, content: "<think></think>This is response" },
      { name: "multiple_lines", output: "Line 1\nLine 2</think>Response 1\nResponse 2", reasoning: null, content: "<think>Line 1\nLine 2</think>Response 1\nResponse 2" },
      { name: "empty (streamed: nothing)", output: "", reasoning: null, content: "<think>", streamed: { reasoning: null, content: null } },
      { name: "special_chars", output: "Let me think... 1+1=2</think>Yes!", reasoning: null, content: "<think>Let me think... 1+1=2</think>Yes!" },
      { name: "code_output", output: "```python\nprint('hi')\n```</think>Here's the code.", reasoning: null, content: "<think>```python\nprint('hi')\n```</think>Here's the code." },
    ],
  },
  holo2: {
    tags: TAGS,
    cases: [
      { name: "with_think (thinking on by default)", output: "This is a reasoning section</think>This is the rest", reasoning: "This is a reasoning section", content: "This is the rest" },
      { name: "complete_reasoning", output: "This is a reasoning section</think>", reasoning: "This is a reasoning section", content: null },
    ],
  },
  "holo2 (thinking: true)": {
    tags: TAGS,
    options: { chatTemplateKwargs: { thinking: true } },
    cases: [{ name: "with_think_enabled", output: "This is a reasoning section</think>This is the rest", reasoning: "This is a reasoning section", content: "This is the rest" }],
  },
  "holo2 (thinking: false)": {
    tags: TAGS,
    options: { chatTemplateKwargs: { thinking: false } },
    cases: [
      { name: "thinking_disabled", output: "This is the rest", reasoning: null, content: "This is the rest" },
      { name: "thinking_disabled_with_close_tag", output: "</think>This is the rest", reasoning: null, content: "</think>This is the rest" },
      { name: "thinking_disabled_with_close_tag_stream", output: "some text</think>This is the rest", reasoning: null, content: "some text</think>This is the rest" },
    ],
  },
  nemotron_v3: {
    tags: TAGS,
    cases: [
      { name: "without_start_token", output: "This is a reasoning section</think>This is the rest", reasoning: "This is a reasoning section", content: "This is the rest" },
      { name: "with_start_token", output: "<think>This is a reasoning section</think>This is the rest", reasoning: "This is a reasoning section", content: "This is the rest" },
      { name: "no promotion without opt-in", output: "<think>4", reasoning: "4", content: null },
    ],
  },
  "nemotron_v3 (enable_thinking: true)": {
    tags: TAGS,
    options: { chatTemplateKwargs: { enable_thinking: true } },
    cases: [{ name: "keeps truncated reasoning", output: "This is truncated reasoning", reasoning: "This is truncated reasoning", content: null }],
  },
  "nemotron_v3 (enable_thinking: false)": {
    tags: TAGS,
    options: { chatTemplateKwargs: { enable_thinking: false } },
    cases: [
      {
        name: "without thinking moves into content (streamed: both)",
        output: "This is plain content",
        reasoning: null,
        content: "This is plain content",
        streamed: { reasoning: "This is plain content", content: "This is plain content" },
      },
    ],
  },
  "nemotron_v3 (force_nonempty_content)": {
    tags: TAGS,
    options: { chatTemplateKwargs: { force_nonempty_content: true } },
    cases: [
      {
        name: "moves into content (streamed: both)",
        output: "<think>This is plain content",
        reasoning: null,
        content: "This is plain content",
        streamed: { reasoning: "This is plain content", content: "This is plain content" },
      },
      { name: "keeps real content", output: "<think>reasoning here</think>real answer", reasoning: "reasoning here", content: "real answer" },
    ],
  },
  granite: {
    tags: ["Here is my thought process:", "Here is my response:"],
    cases: [
      {
        name: "text before the thought marker is dropped (streamed: it went out as content)",
        output: "Sure. Here is my thought process: a Here is my response: b",
        reasoning: " a ",
        content: " b",
        streamed: { reasoning: " a ", content: "Sure.  b" },
      },
      {
        name: "a thought marker later without a response marker: all content",
        output: "Sure. Here is my thought process: a",
        reasoning: null,
        content: "Sure. Here is my thought process: a",
        streamed: { reasoning: " a", content: "Sure. " },
      },
    ],
  },
};

describe("parsers added from vLLM's registry", () => {
  describeSplitCases(CASES);

  it("mimo should be vLLM's qwen3 parser under another name", () => {
    for (const options of [{}, { chatTemplateKwargs: { enable_thinking: false } }]) {
      for (const output of ["<think>r</think>c", "r</think>c", "r<tool_call><function=f>", "plain"]) {
        expect(createReasoningParser("mimo", options).extract(output)).toEqual(createReasoningParser("qwen3", options).extract(output));
      }
    }
  });

  it("step3p5 should hold a trailing newline until it knows whether </think> follows", () => {
    const stream = createReasoningParser("step3p5").stream();
    expect(stream.push("abc\n")).toEqual({ reasoning: "abc", content: null });
    expect(stream.push("</think>\nX")).toEqual({ reasoning: null, content: "X" });
    const kept = createReasoningParser("step3p5").stream();
    kept.push("abc\n");
    expect(sameText(kept.push("def"))).toEqual({ reasoning: "\ndef", content: "" });
  });

  it("granite_thinking should stream a thought and its answer like deepseek_r1 minus the newlines", () => {
    expect(streamDeltas(createReasoningParser("granite_thinking"), ["<think>", "reason", "</think>", "\n", "Hello"])).toEqual({
      reasoning: "reason",
      content: "Hello",
    });
  });
});
