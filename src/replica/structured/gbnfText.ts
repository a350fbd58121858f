/** An inclusive range of Unicode code points. */
export type CharRange = readonly [number, number];

/**
 * Every Unicode scalar value (all code points but the UTF-16 surrogates): exactly what valid UTF-8 can encode.
 *
 * llama.cpp's grammar decodes token bytes without validating them (bundled llama.cpp `decode_utf8` in
 * src/llama-grammar.cpp): a lead byte 0xF5–0xFF starts a "4-byte character" whose value lies beyond U+10FFFF, and
 * ED A0–BF xx decodes to a surrogate. A negated class such as `[^"\\]` matches those values, so a model with a
 * byte-level vocabulary (all 256 byte tokens) could put invalid UTF-8 into the output, which the grammar counts as
 * one character and JavaScript as several U+FFFD. A positive class limited to these ranges matches only code points
 * valid UTF-8 can produce, and llama.cpp's partial-sequence check then refuses such a lead byte at once.
 */
export const UNICODE_SCALAR_RANGES: readonly CharRange[] = [[0x0000, 0xd7ff], [0xe000, 0x10ffff]];

/** A GBNF string literal for `text`, with everything outside printable ASCII (and `"`/`\`) escaped. */
export function gbnfLiteral(text: string): string {
  let out = '"';
  for (const char of text) out += escapeChar(char.codePointAt(0) as number, '"\\');
  return `${out}"`;
}

/**
 * The Unicode scalar values a class matches, as sorted disjoint ranges: `ranges` (or, when `negated`, everything
 * but them) without the surrogates. Empty when the class can match nothing.
 */
export function charClassRanges(ranges: readonly CharRange[], negated: boolean): CharRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  const wanted: CharRange[] = negated ? complement(merged) : merged;
  const out: CharRange[] = [];
  for (const [from, to] of wanted) {
    for (const [validFrom, validTo] of UNICODE_SCALAR_RANGES) {
      const low = Math.max(from, validFrom);
      const high = Math.min(to, validTo);
      if (low <= high) out.push([low, high]);
    }
  }
  return out;
}

/**
 * A GBNF character class, always written as a positive class of Unicode scalar values (see
 * `UNICODE_SCALAR_RANGES` for why never `[^...]`); every character that is special inside `[...]` is escaped.
 * Throws when the class matches nothing (callers reject such classes first).
 */
export function gbnfCharClass(ranges: readonly CharRange[], negated: boolean): string {
  const effective = charClassRanges(ranges, negated);
  if (effective.length === 0) throw new Error("A character class that matches no character has no GBNF form.");
  let out = "[";
  for (const [from, to] of effective) {
    out += escapeChar(from, "[]\\^-");
    if (to !== from) out += `-${escapeChar(to, "[]\\^-")}`;
  }
  return `${out}]`;
}

function complement(sorted: readonly CharRange[]): CharRange[] {
  const out: CharRange[] = [];
  let next = 0;
  for (const [from, to] of sorted) {
    if (from > next) out.push([next, from - 1]);
    next = Math.max(next, to + 1);
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

function escapeChar(codePoint: number, special: string): string {
  if (codePoint === 0x0a) return "\\n";
  if (codePoint === 0x09) return "\\t";
  if (codePoint === 0x0d) return "\\r";
  const char = String.fromCodePoint(codePoint);
  if (codePoint >= 0x20 && codePoint < 0x7f && !special.includes(char)) return char;
  if (codePoint <= 0xff) return `\\x${codePoint.toString(16).padStart(2, "0")}`;
  if (codePoint <= 0xffff) return `\\u${codePoint.toString(16).padStart(4, "0")}`;
  return `\\U${codePoint.toString(16).padStart(8, "0")}`;
}
