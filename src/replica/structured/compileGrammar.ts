import type { Llama, LlamaGrammar } from "node-llama-cpp";
import type { GrammarSource } from "./GrammarSource.js";
import { gbnfCharClass, gbnfLiteral } from "./gbnfText.js";
import { StructuredOutputError } from "./StructuredOutputError.js";

export interface CompileGrammarOptions {
  /**
   * For reasoning formats whose thinking must be opened by the model itself (glm45, mistral, granite): the output may
   * instead start with one of these markers and then be free text (the gate then switches to the plain grammar).
   */
  reasoningStartMarkers?: readonly string[];
  /** Named in the 400 when the grammar does not compile. Defaults to "guided_grammar". */
  param?: string;
}

/** node-llama-cpp ends every JSON-schema grammar with this, for LlamaChat's "\n\n\n\n" stop trigger. */
const JSON_GRAMMAR_TAIL = ' "\\n\\n\\n\\n" [\\n]*';
const ENTRY_RULE = "llmserve-root";
/** node-llama-cpp 3.22.1's JSON string character: any code point but `"`, `\`, DEL and the C0 controls, or an escape. */
const NODE_LLAMA_STRING_CHAR = 'string-char-rule ::= [^"\\\\\\x7F\\x00-\\x1F] | "\\\\" ["\\\\/bfnrt] | "\\\\u" [0-9a-fA-F]{4}';
/**
 * The same characters as a positive class of Unicode scalar values, so only valid UTF-8 can form a JSON string and
 * the grammar counts characters (`maxLength`) as JSON Schema validators do (see `UNICODE_SCALAR_RANGES`).
 */
const STRING_CHAR = `string-char-rule ::= ${gbnfCharClass([[0x00, 0x1f], [0x22, 0x22], [0x5c, 0x5c], [0x7f, 0x7f]], true)}` +
  ' | "\\\\" ["\\\\/bfnrt] | "\\\\u" [0-9a-fA-F]{4}';
/** Free text after a reasoning start marker: any valid UTF-8 but NUL. */
const FREE_TEXT = `${gbnfCharClass([[0x00, 0x00]], true)}*`;

/**
 * The GBNF text for a grammar source. JSON-schema grammars come from node-llama-cpp's generator without its
 * trailing-newline workaround, so the grammar is complete right after the JSON value and llama.cpp then allows only
 * end-of-generation: generation stops by itself (`sequence.evaluate` has no stop triggers).
 * The start rule is `llmserve-root`.
 */
export async function grammarTextFor(llama: Llama, source: GrammarSource, options: CompileGrammarOptions = {}): Promise<string> {
  let text: string;
  let entry: string;
  if (source.kind === "json_schema") {
    const generated = (await llama.createGrammarForJsonSchema(source.schema as never)).grammar;
    const lines = generated.split("\n");
    const rootIndex = lines.findIndex((line) => line.startsWith("root ::= "));
    const rootLine = lines[rootIndex];
    if (rootLine === undefined || !rootLine.endsWith(JSON_GRAMMAR_TAIL)) {
      throw new Error("Unexpected JSON-schema grammar from node-llama-cpp (its root rule changed shape).");
    }
    lines[rootIndex] = rootLine.slice(0, -JSON_GRAMMAR_TAIL.length);
    const charIndex = lines.findIndex((line) => line.startsWith("string-char-rule ::= "));
    if (charIndex >= 0) {
      if (lines[charIndex] !== NODE_LLAMA_STRING_CHAR) {
        throw new Error("Unexpected JSON-schema grammar from node-llama-cpp (its string-char-rule changed shape).");
      }
      lines[charIndex] = STRING_CHAR;
    }
    text = lines.join("\n");
    entry = source.root ?? "[ \\t\\n]{0,4} root";
  } else {
    text = source.text;
    entry = "root";
  }
  const markers = options.reasoningStartMarkers ?? [];
  const opening = markers.map((marker) => `${gbnfLiteral(marker)} ${FREE_TEXT}`);
  return `${text.trimEnd()}\n${ENTRY_RULE} ::= ${[...opening, `(${entry})`].join(" | ")}\n`;
}

/** Compiles a grammar source into a LlamaGrammar for `llama`; an invalid grammar is a StructuredOutputError (400). */
export async function compileGrammar(llama: Llama, source: GrammarSource, options: CompileGrammarOptions = {}): Promise<LlamaGrammar> {
  const grammar = await grammarTextFor(llama, source, options);
  try {
    return await llama.createGrammar({ grammar, rootRuleName: ENTRY_RULE });
  } catch (error) {
    const param = options.param ?? "guided_grammar";
    throw new StructuredOutputError(
      `${param} is not a valid GBNF grammar (llama.cpp could not parse it: ${(error as Error).message}). ` +
        "The start rule must be named `root`.", param, "invalid_grammar");
  }
}
