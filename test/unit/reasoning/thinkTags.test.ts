import { describe, expect, it } from "vitest";
import { createReasoningParser, promptThinkingState, reasoningParserNames } from "../../../src/index.js";
import { reasoningParserDefinition } from "../../../src/reasoning/createReasoningParser.js";
import { streamDeltas } from "./splitHarness.js";

const TAGS = { start: "<|begin_of_thought|>", end: "<|end_of_thought|>" };
const OUTPUT = `${TAGS.start}plan <think>not a tag</think>${TAGS.end}answer`;

describe("configured think tags (engine_kwargs.reasoning_config)", () => {
  const tagParsers = reasoningParserNames.filter((name) => reasoningParserDefinition(name).configurableTags === true);

  it("should be honoured by every think-tag parser, streamed and not, the default tags becoming plain text", () => {
    expect(tagParsers).toEqual(expect.arrayContaining(["deepseek_r1", "qwen3", "glm45", "olmo3", "step3p5", "granite_thinking", "seed_oss"]));
    for (const name of tagParsers.filter((name) => name !== "step3")) {
      const parser = createReasoningParser(name, { thinkTags: TAGS, chatTemplateKwargs: { thinking: true } });
      const expected = { reasoning: "plan <think>not a tag</think>", content: "answer" };
      expect(parser.extract(OUTPUT), name).toEqual(expected);
      expect(streamDeltas(parser, [...OUTPUT]), name).toEqual(expected);
    }
    // step3 has no start tag: everything before the end tag is reasoning.
    expect(createReasoningParser("step3", { thinkTags: TAGS }).extract(`a${TAGS.end}b`)).toEqual({ reasoning: "a", content: "b" });
  });

  it("should apply step3p5's newline trimming and granite_thinking's force_nonempty_content to the configured tags", () => {
    expect(createReasoningParser("step3p5", { thinkTags: TAGS }).extract(`r\n${TAGS.end}\nA`)).toEqual({ reasoning: "r", content: "A" });
    const forcing = createReasoningParser("granite_thinking", { thinkTags: TAGS, chatTemplateKwargs: { force_nonempty_content: true } });
    expect(forcing.extract(`${TAGS.start}r${TAGS.end}`)).toEqual({ reasoning: null, content: "r" });
    expect(forcing.extract(`${TAGS.start}r${TAGS.end}\n`)).toEqual({ reasoning: "r", content: null });
  });

  it("should read the end of the prompt with the configured tags", () => {
    expect(promptThinkingState("qwen3", `prompt${TAGS.start}\n`, TAGS)).toEqual({ promptEndsInsideThinking: true, promptEndsAfterThinking: false });
    expect(promptThinkingState("qwen3", `prompt${TAGS.start}${TAGS.end}\n\n`, TAGS)).toEqual({ promptEndsInsideThinking: false, promptEndsAfterThinking: true });
    expect(promptThinkingState("qwen3", "prompt<think>\n", TAGS)).toEqual({ promptEndsInsideThinking: false, promptEndsAfterThinking: false });
    // Parsers with their own markers keep them.
    expect(promptThinkingState("mistral", "prompt[THINK]", TAGS)).toEqual({ promptEndsInsideThinking: true, promptEndsAfterThinking: false });
  });
});
