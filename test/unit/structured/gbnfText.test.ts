import { describe, expect, it } from "vitest";
import { compileGrammar } from "../../../src/replica/structured/compileGrammar.js";
import { charClassRanges, gbnfCharClass } from "../../../src/replica/structured/gbnfText.js";
import { cpuLlama, grammarAccepts } from "./grammarTestHelpers.js";

describe("gbnfCharClass", () => {
  it("should write a negated class as a positive class of Unicode scalar values (no surrogates, nothing above U+10FFFF)", () => {
    expect(gbnfCharClass([[0x22, 0x22], [0x5c, 0x5c], [0x00, 0x1f], [0x7f, 0x7f]], true))
      .toBe("[ -!#-\\x5b\\x5d-~\\x80-\\ud7ff\\ue000-\\U0010ffff]");
    expect(gbnfCharClass([[0x0a, 0x0a]], true)).toBe("[\\x00-\\t\\x0b-\\ud7ff\\ue000-\\U0010ffff]");
  });

  it("should drop surrogates from positive classes and merge overlapping ranges", () => {
    expect(charClassRanges([[0xd000, 0xe100], [0x41, 0x5a], [0x50, 0x61]], false)).toEqual([[0x41, 0x61], [0xd000, 0xd7ff], [0xe000, 0xe100]]);
    expect(charClassRanges([[0xd800, 0xdfff]], false)).toEqual([]);
    expect(charClassRanges([[0x00, 0x10ffff]], true)).toEqual([]);
    expect(() => gbnfCharClass([[0x00, 0x10ffff]], true)).toThrow(/matches no character/);
  });

  it("should still match every valid character the negated class matched, in llama.cpp's grammar engine", async () => {
    const grammar = await compileGrammar(await cpuLlama(), { kind: "gbnf", text: `root ::= ${gbnfCharClass([[0x22, 0x22]], true)}*` });
    for (const text of ["plain", "été", "漢字", "😀🇫🇷", "\u{10FFFF}\uE000\uD7FF", "\n\t\u0000"]) expect([text, grammarAccepts(grammar, text)]).toEqual([text, true]);
    expect(grammarAccepts(grammar, 'a"b')).toBe(false);
  });
});
