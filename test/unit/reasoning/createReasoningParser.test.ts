import { describe, expect, it } from "vitest";
import { createReasoningParser, reasoningParserNames, UnknownReasoningParserError } from "../../../src/index.js";

const REQUIRED = ["deepseek_r1", "qwen3", "granite", "deepseek_v3", "glm45", "mistral", "seed_oss", "hunyuan_a13b", "ernie45", "step3", "olmo3"];

describe("createReasoningParser", () => {
  it("should know every parser issue 4 requires", () => {
    for (const name of REQUIRED) expect(reasoningParserNames).toContain(name);
  });

  it("should throw an error listing the known names for an unknown name", () => {
    let caught: unknown;
    try {
      createReasoningParser("deepseek-r1");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnknownReasoningParserError);
    const message = (caught as Error).message;
    expect(message).toContain('"deepseek-r1"');
    for (const name of reasoningParserNames) expect(message).toContain(name);
  });

  it("should not accept inherited object keys as names", () => {
    expect(() => createReasoningParser("toString")).toThrow(UnknownReasoningParserError);
    expect(() => createReasoningParser("__proto__")).toThrow(UnknownReasoningParserError);
  });

  it("should give each stream its own state", () => {
    const parser = createReasoningParser("deepseek_r1");
    const first = parser.stream();
    first.push("R</think>");
    const second = parser.stream();
    expect(second.push("R2")).toEqual({ reasoning: "R2", content: null });
    expect(first.push("X")).toEqual({ reasoning: null, content: "X" });
  });
});
