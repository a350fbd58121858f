import { describe, expect, it } from "vitest";
import { createGrammarGate } from "../../../src/replica/structured/createGrammarGate.js";
import { reasoningMarkersFor } from "../../../src/replica/structured/reasoningMarkersFor.js";

function phases(gate: ReturnType<typeof createGrammarGate>, pieces: string[]): string[] {
  return pieces.map((piece) => {
    gate.push(piece);
    return gate.phase;
  });
}

describe("createGrammarGate", () => {
  it("should constrain from the first token when there is no reasoning phase", () => {
    const gate = createGrammarGate(undefined);
    expect(gate.phase).toBe("content");
    expect(phases(gate, ["{", "}"])).toEqual(["content", "content"]);
  });

  it("should leave the reasoning free and switch right after the end tag, even split across tokens", () => {
    const gate = createGrammarGate(reasoningMarkersFor("qwen3"));
    expect(gate.phase).toBe("none");
    expect(phases(gate, ["<think>", "\nI think", " </th", "ink>", "\n\n", "{"])).toEqual(["none", "none", "none", "content", "content", "content"]);
  });

  it("should use the opening grammar for formats whose model decides to think (mistral)", () => {
    const thinking = createGrammarGate(reasoningMarkersFor("mistral"));
    expect(thinking.phase).toBe("opening");
    expect(phases(thinking, ["[THI", "NK]", "hmm", "[/THINK]", "{"])).toEqual(["opening", "none", "none", "content", "content"]);
    const direct = createGrammarGate(reasoningMarkersFor("mistral"));
    expect(phases(direct, [" ", "{", "\"a", "[/THINK]"])).toEqual(["opening", "opening", "opening", "opening"]);
  });

  it("should know granite's phrases and seed_oss's tags", () => {
    const granite = createGrammarGate(reasoningMarkersFor("granite"));
    expect(phases(granite, ["Here is my thought process:", " x. ", "Here is my response:", "{"])).toEqual(["none", "none", "content", "content"]);
    const seed = createGrammarGate(reasoningMarkersFor("seed_oss"));
    expect(phases(seed, ["a </think>", " </seed:think>"])).toEqual(["none", "content"]);
  });
});
