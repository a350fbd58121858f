import { classifyByPrefix, type WholeOutputToolCallFormat } from "./createWholeOutputToolCallStream.js";
import { stringifyArguments } from "./stringifyArguments.js";
import type { ParsedToolCall } from "./ToolCallTypes.js";

const PYTHON_START = "<|python_start|>";
const PYTHON_END = "<|python_end|>";

/**
 * vLLM's `pythonic` format (Llama 3.2 / Llama 4 / ToolACE): the content is a Python list of calls with keyword
 * arguments whose values are literals: `[get_weather(city='Paris', days=3), now()]`.
 */
export const pythonicToolCallFormat: WholeOutputToolCallFormat = {
  classify: (start) => classifyByPrefix(start, [PYTHON_START, "["]),
  parse(content) {
    let text = content;
    if (text.startsWith(PYTHON_START)) text = text.slice(PYTHON_START.length);
    if (text.endsWith(PYTHON_END)) text = text.slice(0, -PYTHON_END.length);
    try {
      const parser = new PythonLiteralReader(text.trim());
      const calls = parser.readCallList();
      parser.expectEnd();
      return calls;
    } catch {
      return undefined;
    }
  },
};

/** A tiny reader for a list of calls with literal keyword arguments; throws on anything else. */
class PythonLiteralReader {
  private position = 0;

  public constructor(private readonly text: string) {}

  public readCallList(): ParsedToolCall[] {
    this.expect("[");
    const calls: ParsedToolCall[] = [];
    this.readItems("]", () => calls.push(this.readCall()));
    return calls;
  }

  public expectEnd(): void {
    this.skipSpace();
    if (this.position !== this.text.length) throw new Error("trailing text");
  }

  private readCall(): ParsedToolCall {
    const name = this.readIdentifier(true);
    this.expect("(");
    const args: Record<string, unknown> = {};
    this.readItems(")", () => {
      const key = this.readIdentifier(false);
      this.expect("=");
      args[key] = this.readValue();
    });
    return { name, arguments: stringifyArguments(args) };
  }

  private readValue(): unknown {
    this.skipSpace();
    const char = this.text[this.position];
    if (char === "'" || char === '"') return this.readString(char);
    if (char === "[" || char === "(") return this.readSequence(char === "[" ? "]" : ")");
    if (char === "{") return this.readDict();
    const number = /^-?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)/.exec(this.text.slice(this.position));
    if (number !== null) {
      this.position += number[0].length;
      return Number(number[0]);
    }
    const word = this.readIdentifier(false);
    if (word === "True") return true;
    if (word === "False") return false;
    if (word === "None") return null;
    throw new Error(`not a literal: ${word}`);
  }

  private readSequence(close: string): unknown[] {
    this.position++;
    const items: unknown[] = [];
    this.readItems(close, () => items.push(this.readValue()));
    return items;
  }

  private readDict(): Record<string, unknown> {
    this.position++;
    const dict: Record<string, unknown> = {};
    this.readItems("}", () => {
      const key = this.readValue();
      if (typeof key !== "string" && typeof key !== "number") throw new Error("bad dict key");
      this.expect(":");
      dict[String(key)] = this.readValue();
    });
    return dict;
  }

  /** Reads `item, item, …` up to `close` (a trailing comma allowed); the opening bracket is already read. */
  private readItems(close: string, readItem: () => void): void {
    let first = true;
    while (!this.consume(close)) {
      if (!first) this.expect(",");
      first = false;
      if (this.consume(close)) break;
      readItem();
    }
  }

  private readString(quote: string): string {
    const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0" };
    this.position++;
    let value = "";
    while (this.position < this.text.length) {
      const char = this.text[this.position++] as string;
      if (char === quote) return value;
      if (char === "\\") {
        const next = this.text[this.position++] ?? "";
        value += escapes[next] ?? `\\${next}`;
      } else value += char;
    }
    throw new Error("unterminated string");
  }

  private readIdentifier(dotted: boolean): string {
    this.skipSpace();
    const match = (dotted ? /^[A-Za-z_][\w.-]*/ : /^[A-Za-z_]\w*/).exec(this.text.slice(this.position));
    if (match === null) throw new Error("expected an identifier");
    this.position += match[0].length;
    return match[0];
  }

  private consume(token: string): boolean {
    this.skipSpace();
    if (!this.text.startsWith(token, this.position)) return false;
    this.position += token.length;
    return true;
  }

  private expect(token: string): void {
    if (!this.consume(token)) throw new Error(`expected ${token}`);
  }

  private skipSpace(): void {
    while (this.position < this.text.length && /\s/.test(this.text[this.position] as string)) this.position++;
  }
}
