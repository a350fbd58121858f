import { choiceToGbnf } from "./choiceToGbnf.js";
import { createJsonOutputValidator, type JsonOutputValidator } from "./createJsonOutputValidator.js";
import type { GrammarSource } from "./GrammarSource.js";
import { normalizeJsonSchema } from "./normalizeJsonSchema.js";
import { regexToGbnf } from "./regexToGbnf.js";
import { StructuredOutputError } from "./StructuredOutputError.js";

/** How one request's output must be constrained. */
export interface StructuredOutputPlan {
  /** The request field that asked for it (for error messages). */
  param: string;
  grammar: GrammarSource;
  /** Present for JSON outputs: run it on the final content (see createJsonOutputValidator). */
  validate?: JsonOutputValidator;
  /** Keywords of the schema enforced only by `validate`, not by the grammar. */
  postValidated: readonly string[];
}

type Body = Record<string, unknown>;

/**
 * Reads OpenAI's `response_format` and vLLM's `guided_json` / `guided_regex` / `guided_choice` / `guided_grammar`
 * (and their newer `structured_outputs: {json, regex, choice, grammar, json_object}` form) from a chat or completion
 * request body. Returns undefined when the output is free text. Throws StructuredOutputError (400) for malformed
 * values, unsupported constructs, or more than one constraint in one request.
 * `guided_decoding_backend` and `guided_whitespace_pattern` are accepted and ignored (llama.cpp is the only backend).
 */
export function resolveStructuredOutput(body: Body): StructuredOutputPlan | undefined {
  const requested: StructuredOutputPlan[] = [];
  const responseFormat = body.response_format;
  if (responseFormat !== undefined && responseFormat !== null) {
    const plan = fromResponseFormat(responseFormat);
    if (plan !== undefined) requested.push(plan);
  }
  const structured = body.structured_outputs;
  const sources: [string, unknown][] = [
    ["guided_json", body.guided_json], ["guided_regex", body.guided_regex],
    ["guided_choice", body.guided_choice], ["guided_grammar", body.guided_grammar],
  ];
  if (isObject(structured)) {
    for (const key of ["json", "regex", "choice", "grammar"]) sources.push([`structured_outputs.${key}`, structured[key]]);
    if (structured.json_object === true) requested.push(jsonPlan({ type: "object" }, "structured_outputs.json_object"));
  }
  for (const [param, value] of sources) {
    if (value === undefined || value === null) continue;
    const kind = param.replace(/^guided_|^structured_outputs\./, "");
    if (kind === "json") requested.push(jsonPlan(typeof value === "string" ? parseSchemaString(value, param) : value, param));
    else if (kind === "regex") requested.push(gbnfPlan(regexToGbnf(requireString(value, param), param), param));
    else if (kind === "choice") requested.push(gbnfPlan(choiceToGbnf(value, param), param));
    else requested.push(gbnfPlan(requireString(value, param), param));
  }
  if (requested.length > 1) {
    throw new StructuredOutputError(
      `Only one output constraint may be given per request; got ${requested.map((plan) => plan.param).join(" and ")}.`,
      requested[1]?.param ?? null);
  }
  return requested[0];
}

function fromResponseFormat(value: unknown): StructuredOutputPlan | undefined {
  const param = "response_format";
  if (!isObject(value)) throw new StructuredOutputError(`${param} must be an object with a "type".`, param);
  switch (value.type) {
    case "text": return undefined;
    case "json_object": return jsonPlan({ type: "object" }, param);
    case "json_schema": {
      const jsonSchema = value.json_schema;
      if (!isObject(jsonSchema)) {
        throw new StructuredOutputError(`${param}.json_schema must be an object {name, schema, strict?}.`, `${param}.json_schema`);
      }
      // OpenAI requires `schema`; without one any JSON object is accepted, as vLLM does.
      return jsonPlan(jsonSchema.schema ?? { type: "object" }, `${param}.json_schema.schema`);
    }
    default:
      throw new StructuredOutputError(
        `${param}.type must be "text", "json_object" or "json_schema"; got ${JSON.stringify(value.type)}.`, `${param}.type`);
  }
}

function jsonPlan(schema: unknown, param: string): StructuredOutputPlan {
  const normalized = normalizeJsonSchema(schema, param);
  const validate = createJsonOutputValidator(schema, { param, postValidated: normalized.postValidated });
  return { param, grammar: { kind: "json_schema", schema: normalized.grammarSchema }, validate, postValidated: normalized.postValidated };
}

function gbnfPlan(text: string, param: string): StructuredOutputPlan {
  return { param, grammar: { kind: "gbnf", text }, postValidated: [] };
}

function parseSchemaString(value: string, param: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new StructuredOutputError(`${param} must be a JSON Schema (an object, or a string holding one).`, param);
  }
}

function requireString(value: unknown, param: string): string {
  if (typeof value !== "string" || value.length === 0) throw new StructuredOutputError(`${param} must be a non-empty string.`, param);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
