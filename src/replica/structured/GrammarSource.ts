import type { GbnfJsonSchema } from "node-llama-cpp";

/**
 * What a request asks the sampler to be constrained by, before it is compiled for a model's Llama instance.
 * - `json_schema`: node-llama-cpp's JSON grammar for `schema`. `root`, when set, is a GBNF expression for the whole
 *   output in which `root` names the JSON value (used to wrap calls in `<tool_call>` tags); by default up to four
 *   whitespace characters may precede the value.
 * - `gbnf`: a complete GBNF grammar whose start rule is `root`.
 */
export type GrammarSource =
  | { kind: "json_schema"; schema: GbnfJsonSchema; root?: string }
  | { kind: "gbnf"; text: string };
