import { describe, expect, it } from "vitest";
import { createReasoningParser, type ReasoningParser, type ReasoningSplit } from "../../../src/index.js";

/** What a client rebuilds from the streamed deltas: pieces joined, empty → null (vLLM's test reconstructor). */
export function streamDeltas(parser: ReasoningParser, deltas: readonly string[]): ReasoningSplit {
  const stream = parser.stream();
  const pieces = [...deltas.map((delta) => stream.push(delta)), stream.end()];
  // A piece never carries an empty string: "nothing" is null. (A plain check: this runs per character.)
  const empty = pieces.find((piece) => piece.reasoning === "" || piece.content === "");
  if (empty) expect(empty, `an empty-string piece streaming ${JSON.stringify(deltas)}`).toBeUndefined();
  return {
    reasoning: pieces.map((piece) => piece.reasoning ?? "").join("") || null,
    content: pieces.map((piece) => piece.content ?? "").join("") || null,
  };
}

/** Splits `text` so that every occurrence of a tag is a delta of its own. */
export function tagAlignedDeltas(text: string, tags: readonly string[]): string[] {
  const deltas: string[] = [];
  let current = "";
  let index = 0;
  outer: while (index < text.length) {
    for (const tag of tags) {
      if (tag !== "" && text.startsWith(tag, index)) {
        if (current) deltas.push(current);
        deltas.push(tag);
        current = "";
        index += tag.length;
        continue outer;
      }
    }
    current += text[index];
    index++;
  }
  if (current) deltas.push(current);
  return deltas;
}

/** The three streaming shapes every case runs through: one delta, per character, tag-aligned. */
export function deltaShapes(text: string, tags: readonly string[]): Record<string, string[]> {
  return { oneDelta: [text], perCharacter: [...text], tagAligned: tagAlignedDeltas(text, tags) };
}

/** Null and "" are the same text when pieces are concatenated. */
export function sameText(split: ReasoningSplit): { reasoning: string; content: string } {
  return { reasoning: split.reasoning ?? "", content: split.content ?? "" };
}

export interface SplitCase {
  name: string;
  output: string;
  reasoning: string | null;
  content: string | null;
  /** Where vLLM's streamed result differs from its non-streamed one (unclosed thought for glm45, granite, …). */
  streamed?: { reasoning: string | null; content: string | null };
}

/** Asserts the exact non-streamed split, then the streamed split in all three shapes. */
export function checkCase(parser: ReasoningParser, testCase: SplitCase, tags: readonly string[]): void {
  expect(parser.extract(testCase.output)).toEqual({ reasoning: testCase.reasoning, content: testCase.content });
  const expectedStream = testCase.streamed ?? { reasoning: testCase.reasoning, content: testCase.content };
  for (const [shape, deltas] of Object.entries(deltaShapes(testCase.output, tags))) {
    expect(sameText(streamDeltas(parser, deltas)), `${testCase.name} streamed as ${shape}`).toEqual(
      sameText(expectedStream),
    );
  }
}

/** Split cases per parser, keyed by a label that starts with the parser's name (`glm45 (prompt opened <think>)`). */
export type SplitCaseTable = Record<string, { tags: string[]; options?: Parameters<typeof createReasoningParser>[1]; cases: SplitCase[] }>;

/** One `describe` per label, with one `should split: …` test per case (`checkCase`). */
export function describeSplitCases(table: SplitCaseTable): void {
  for (const [label, entry] of Object.entries(table)) {
    describe(label, () => {
      const parser = createReasoningParser(label.split(" ")[0]!, entry.options);
      for (const testCase of entry.cases) {
        it(`should split: ${testCase.name}`, () => checkCase(parser, testCase, entry.tags));
      }
    });
  }
}
