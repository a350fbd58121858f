/** An inclusive range of Unicode code points. */
export type CharRange = readonly [number, number];

/** A GBNF string literal for `text`, with everything outside printable ASCII (and `"`/`\`) escaped. */
export function gbnfLiteral(text: string): string {
  let out = '"';
  for (const char of text) out += escapeChar(char.codePointAt(0) as number, '"\\');
  return `${out}"`;
}

/** A GBNF character class; every character that is special inside `[...]` is escaped. */
export function gbnfCharClass(ranges: readonly CharRange[], negated: boolean): string {
  let out = negated ? "[^" : "[";
  for (const [from, to] of ranges) {
    out += escapeChar(from, "[]\\^-");
    if (to !== from) out += `-${escapeChar(to, "[]\\^-")}`;
  }
  return `${out}]`;
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
