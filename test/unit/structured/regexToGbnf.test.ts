import { describe, expect, it } from "vitest";
import { compileGrammar } from "../../../src/replica/structured/compileGrammar.js";
import { regexToGbnf } from "../../../src/replica/structured/regexToGbnf.js";
import { StructuredOutputError } from "../../../src/replica/structured/StructuredOutputError.js";
import { choiceToGbnf } from "../../../src/replica/structured/choiceToGbnf.js";
import { cpuLlama, grammarAccepts } from "./grammarTestHelpers.js";

const CASES: [pattern: string, samples: string[]][] = [
  ["\\d{3}-\\d{4}", ["555-1234", "55-1234", "555-12345", "abc-defg"]],
  ["^(yes|no|maybe)$", ["yes", "no", "maybe", "", "yesno", "Yes"]],
  ["[A-Z][a-z]+( [A-Z][a-z]+)*", ["Paris", "New York", "new york", "P", "San  Jose"]],
  ["[^\\s,]+(,[^\\s,]+)?", ["a,b", "a", "a b", "a,", ",b", "héllo,wörld"]],
  ["(?:ab|cd)*e?", ["", "ab", "abcde", "abc", "e", "ee"]],
  ["\\w+@\\w+\\.(com|org)", ["me@x.com", "me@x.net", "@x.com", "a_b@c9.org"]],
  ["a{2,}b{0,2}c{1}", ["aac", "aaaabbc", "ac", "aabbbc", "aa"]],
  ["[-+]?[0-9]*\\.?[0-9]+", ["-1.5", "+.5", "42", "1.", "--1", ""]],
  ["\\(\\d+\\)\\[x\\]\\.\\*\\\\", ["(12)[x].*\\", "(12)[x]x*\\", "()[x].*\\"]],
  ["[a-c\\]\\-]+", ["a]-b", "d", "-", "]"]],
  ["colou?r|gr[ae]y", ["color", "colour", "gray", "grey", "groy", "colouur"]],
  ["\\u00e9t\\x65", ["été", "ete", "éte"]],
  [".+", ["anything at all", "", "two\nlines"]],
  ["(?<word>[a-z]+)-\\d+?", ["abc-1", "abc-", "-1"]],
];

describe("regexToGbnf", () => {
  it.each(CASES)("should accept exactly what the regex %s fully matches", async (pattern, samples) => {
    const llama = await cpuLlama();
    const grammar = await compileGrammar(llama, { kind: "gbnf", text: regexToGbnf(pattern) });
    const regex = new RegExp(`^(?:${pattern.replace(/^\^|\$$/g, "")})$`, "u");
    for (const sample of samples) expect([sample, grammarAccepts(grammar, sample)]).toEqual([sample, regex.test(sample)]);
  });

  it.each([
    ["(a)\\1", "backreference"],
    ["foo(?=bar)", "lookaround"],
    ["(?<!x)y", "lookaround"],
    ["\\bword\\b", "word boundary"],
    ["(?i)abc", "inline flag"],
    ["a^b", "anchor `^`"],
    ["a$b", "anchor `$`"],
    ["a++", "possessive"],
    ["[[:alpha:]]", "POSIX class"],
    ["(abc", "unclosed group"],
    ["[abc", "unclosed character class"],
    ["*a", "nothing to repeat"],
    ["a{3,1}", "maximum is below its minimum"],
    ["[^\\D]", "negated shorthand"],
    ["\\p{L}", "escape \\p"],
    ["a[\\ud800-\\udfff]", "character class that matches no character"],
  ])("should refuse %s with a 400 naming the construct", (pattern, construct) => {
    let error: unknown;
    try {
      regexToGbnf(pattern);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StructuredOutputError);
    expect((error as StructuredOutputError).status).toBe(400);
    expect((error as StructuredOutputError).param).toBe("guided_regex");
    expect((error as Error).message).toContain(construct);
    expect((error as Error).message).toMatch(/at character \d+/);
  });
});

describe("choiceToGbnf", () => {
  it("should accept exactly one of the choices, with quotes and non-ASCII escaped", async () => {
    const llama = await cpuLlama();
    const grammar = await compileGrammar(llama, { kind: "gbnf", text: choiceToGbnf(["positive", 'say "hi"', "négatif", ""]) });
    for (const ok of ["positive", 'say "hi"', "négatif", ""]) expect(grammarAccepts(grammar, ok)).toBe(true);
    for (const bad of ["Positive", "positivee", "say hi"]) expect(grammarAccepts(grammar, bad)).toBe(false);
  });

  it("should refuse anything but a non-empty list of strings", () => {
    expect(() => choiceToGbnf([])).toThrow(StructuredOutputError);
    expect(() => choiceToGbnf(["a", 1])).toThrow(/non-empty array of strings/);
    expect(() => choiceToGbnf("a")).toThrow(StructuredOutputError);
  });
});
