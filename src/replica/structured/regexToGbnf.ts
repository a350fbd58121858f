import { StructuredOutputError } from "./StructuredOutputError.js";
import { charClassRanges, gbnfCharClass, gbnfLiteral, type CharRange } from "./gbnfText.js";

type Node =
  | { kind: "literal"; text: string }
  | { kind: "class"; negated: boolean; ranges: CharRange[] }
  | { kind: "sequence"; items: Node[] }
  | { kind: "alternation"; options: Node[] }
  | { kind: "repeat"; body: Node; min: number; max: number | undefined };

const DIGIT: CharRange[] = [[0x30, 0x39]];
const WORD: CharRange[] = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
const SPACE: CharRange[] = [[0x09, 0x0d], [0x20, 0x20]];
const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { n: 0x0a, t: 0x09, r: 0x0d, f: 0x0c, v: 0x0b, "0": 0 };

/**
 * Translates a regular expression (matched against the whole output, as vLLM's guided_regex is) into a GBNF grammar
 * whose root is `root`. Supported: literals, escapes (\d \w \s and their negations, \n \t \xHH \uHHHH, escaped
 * punctuation), `.`, classes with ranges and negation, groups `(...)` `(?:...)` `(?<name>...)`, alternation,
 * `? * + {m} {m,} {m,n}` (lazy forms too), and `^`/`$` at the ends. Anything else (backreferences, lookaround,
 * word boundaries, inline flags) throws a StructuredOutputError naming the construct and its position.
 */
export function regexToGbnf(pattern: string, param = "guided_regex"): string {
  const reader = new RegexReader(Array.from(pattern), param);
  const node = reader.parseWhole();
  return `root ::= ${render(node, false)}\n`;
}

class RegexReader {
  private position = 0;

  public constructor(private readonly chars: string[], private readonly param: string) {}

  public parseWhole(): Node {
    if (this.chars[0] === "^") this.position++;
    const node = this.parseAlternation();
    if (this.position < this.chars.length) this.fail(`unexpected "${this.chars[this.position]}"`);
    return node;
  }

  private parseAlternation(): Node {
    const options = [this.parseSequence()];
    while (this.peek() === "|") {
      this.position++;
      options.push(this.parseSequence());
    }
    return options.length === 1 ? (options[0] as Node) : { kind: "alternation", options };
  }

  private parseSequence(): Node {
    const items: Node[] = [];
    for (;;) {
      const char = this.peek();
      if (char === undefined || char === "|" || char === ")") break;
      if (char === "$") {
        this.position++;
        const next = this.peek();
        if (next !== undefined && next !== "|" && next !== ")") this.fail("an anchor `$` before the end of the pattern", 1);
        continue;
      }
      if (char === "^") this.fail("an anchor `^` after the start of the pattern");
      items.push(this.parseQuantified(this.parseAtom()));
    }
    return items.length === 1 ? (items[0] as Node) : { kind: "sequence", items };
  }

  private parseQuantified(atom: Node): Node {
    let node = atom;
    for (;;) {
      const char = this.peek();
      let min: number;
      let max: number | undefined;
      if (char === "?") [min, max] = [0, 1];
      else if (char === "*") [min, max] = [0, undefined];
      else if (char === "+") [min, max] = [1, undefined];
      else if (char === "{" && /^\{\d+(,\d*)?\}/.test(this.rest())) {
        const match = /^\{(\d+)(,(\d*))?\}/.exec(this.rest()) as RegExpExecArray;
        min = Number(match[1]);
        max = match[2] === undefined ? min : match[3] === "" ? undefined : Number(match[3]);
        if (max !== undefined && max < min) this.fail(`a quantifier {${min},${max}} whose maximum is below its minimum`);
        this.position += Array.from(match[0]).length - 1;
      } else return node;
      this.position++;
      if (this.peek() === "?") this.position++; // lazy: same language
      else if (this.peek() === "+") this.fail("a possessive quantifier");
      node = { kind: "repeat", body: node, min, max };
    }
  }

  private parseAtom(): Node {
    const char = this.next();
    switch (char) {
      case "(": return this.parseGroup();
      case "[": return this.parseClass();
      case ".": return { kind: "class", negated: true, ranges: [[0x0a, 0x0a]] };
      case "\\": return this.parseEscape(false);
      case "*": case "+": case "?": this.fail(`a quantifier "${char}" with nothing to repeat`, 1); break;
      case "{": if (/^\d+(,\d*)?\}/.test(this.rest())) this.fail("a quantifier with nothing to repeat", 1); break;
    }
    return { kind: "literal", text: char as string };
  }

  private parseGroup(): Node {
    if (this.peek() === "?") {
      const rest = this.rest();
      if (rest.startsWith("?:")) this.position += 2;
      else if (/^\?<[A-Za-z_]\w*>/.test(rest)) this.position += Array.from(/^\?<[A-Za-z_]\w*>/.exec(rest)?.[0] ?? "").length;
      else if (/^\?P<[A-Za-z_]\w*>/.test(rest)) this.position += Array.from(/^\?P<[A-Za-z_]\w*>/.exec(rest)?.[0] ?? "").length;
      else if (/^\?<?[=!]/.test(rest)) this.fail("a lookaround assertion `(?=`, `(?!`, `(?<=` or `(?<!`", 1);
      else this.fail("an inline flag or special group `(?...)`", 1);
    }
    const body = this.parseAlternation();
    if (this.next() !== ")") this.fail("an unclosed group `(`");
    return body.kind === "sequence" && body.items.length === 0 ? { kind: "literal", text: "" } : body;
  }

  private parseClass(): Node {
    let negated = false;
    if (this.peek() === "^") {
      negated = true;
      this.position++;
    }
    const ranges: CharRange[] = [];
    let first = true;
    for (;;) {
      const char = this.next();
      if (char === undefined) this.fail("an unclosed character class `[`");
      if (char === "]" && !first) break;
      first = false;
      let from: number;
      if (char === "\\") {
        const escaped = this.parseEscape(true);
        if (escaped.kind === "class") {
          ranges.push(...escaped.ranges);
          continue;
        }
        from = (escaped as { text: string }).text.codePointAt(0) as number;
      } else if (char === "[" && (this.peek() === ":" || this.peek() === "=" || this.peek() === ".")) {
        this.fail("a POSIX class `[:...:]`", 1);
      } else from = (char as string).codePointAt(0) as number;
      if (this.peek() === "-" && this.chars[this.position + 1] !== "]" && this.chars[this.position + 1] !== undefined) {
        this.position++;
        const endChar = this.next() as string;
        const to = endChar === "\\" ? this.classEscapeCodePoint() : (endChar.codePointAt(0) as number);
        if (to < from) this.fail("a character range whose end is before its start");
        ranges.push([from, to]);
      } else ranges.push([from, from]);
    }
    if (charClassRanges(ranges, negated).length === 0) this.fail("a character class that matches no character");
    return { kind: "class", negated, ranges };
  }

  private classEscapeCodePoint(): number {
    const escaped = this.parseEscape(true);
    if (escaped.kind !== "literal") this.fail("a shorthand class (\\d, \\w, \\s) as a range end");
    return (escaped as { text: string }).text.codePointAt(0) as number;
  }

  private parseEscape(inClass: boolean): Node {
    const char = this.next();
    if (char === undefined) this.fail("a trailing backslash");
    const shorthand: Record<string, [CharRange[], boolean]> = {
      d: [DIGIT, false], D: [DIGIT, true], w: [WORD, false], W: [WORD, true], s: [SPACE, false], S: [SPACE, true],
    };
    const found = shorthand[char as string];
    if (found !== undefined) {
      if (inClass && found[1]) this.fail(`a negated shorthand \\${char} inside a character class`, 2);
      return { kind: "class", negated: found[1], ranges: found[0] };
    }
    const simple = SIMPLE_ESCAPES[char as string];
    if (simple !== undefined && !(char === "0" && /^\d/.test(this.rest()))) return literal(simple);
    if (char === "x" && /^[0-9a-fA-F]{2}/.test(this.rest())) return literal(this.readHex(2));
    if (char === "u" && /^[0-9a-fA-F]{4}/.test(this.rest())) return literal(this.readHex(4));
    if (char === "u" && /^\{[0-9a-fA-F]{1,6}\}/.test(this.rest())) {
      this.position++;
      const hex = /^[0-9a-fA-F]+/.exec(this.rest())?.[0] ?? "";
      this.position += hex.length + 1;
      return literal(parseInt(hex, 16));
    }
    if (char === "b" && inClass) return literal(0x08);
    if (/[0-9]/.test(char as string)) this.fail(`a backreference \\${char}`, 2);
    if (char === "b" || char === "B") this.fail(`a word boundary \\${char}`, 2);
    if (/[A-Za-z]/.test(char as string)) this.fail(`the escape \\${char}`, 2);
    return { kind: "literal", text: char as string };
  }

  private readHex(length: number): number {
    const hex = this.chars.slice(this.position, this.position + length).join("");
    this.position += length;
    return parseInt(hex, 16);
  }

  private peek(): string | undefined {
    return this.chars[this.position];
  }

  private next(): string | undefined {
    return this.chars[this.position++];
  }

  private rest(): string {
    return this.chars.slice(this.position).join("");
  }

  private fail(construct: string, back = 0): never {
    const at = Math.max(0, this.position - back);
    throw new StructuredOutputError(
      `${this.param}: the pattern uses ${construct} at character ${at + 1}, which cannot be enforced by a grammar. ` +
        "Supported: literals, classes [...], ., \\d \\w \\s, groups, |, ?, *, +, {m,n}, and ^/$ at the ends.",
      this.param, "unsupported_regex");
  }
}

function literal(codePoint: number): Node {
  return { kind: "literal", text: String.fromCodePoint(codePoint) };
}

function render(node: Node, needsGrouping: boolean): string {
  switch (node.kind) {
    case "literal": return gbnfLiteral(node.text);
    case "class": return gbnfCharClass(node.ranges, node.negated);
    case "sequence": {
      const merged = mergeLiterals(node.items);
      if (merged.length === 0) return '""';
      const text = merged.map((item) => render(item, item.kind === "alternation")).join(" ");
      return needsGrouping && merged.length > 1 ? `(${text})` : text;
    }
    case "alternation": {
      const text = node.options.map((option) => render(option, false)).join(" | ");
      return needsGrouping ? `(${text})` : text;
    }
    case "repeat": {
      const body = node.body.kind === "literal" && Array.from(node.body.text).length === 1 || node.body.kind === "class"
        ? render(node.body, false) : `(${render(node.body, false)})`;
      const { min, max } = node;
      if (min === 0 && max === 1) return `${body}?`;
      if (min === 0 && max === undefined) return `${body}*`;
      if (min === 1 && max === undefined) return `${body}+`;
      if (max === undefined) return `${body}{${min},}`;
      return min === max ? `${body}{${min}}` : `${body}{${min},${max}}`;
    }
  }
}

function mergeLiterals(items: readonly Node[]): Node[] {
  const merged: Node[] = [];
  for (const item of items) {
    const last = merged[merged.length - 1];
    if (item.kind === "literal" && last?.kind === "literal") merged[merged.length - 1] = { kind: "literal", text: last.text + item.text };
    else if (!(item.kind === "literal" && item.text === "")) merged.push(item);
  }
  return merged;
}
