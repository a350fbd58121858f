import type { GbnfJsonSchema } from "node-llama-cpp";
import { StructuredOutputError } from "./StructuredOutputError.js";

/** The result of fitting a JSON Schema into node-llama-cpp's grammar subset. */
export interface NormalizedJsonSchema {
  /** What the grammar enforces (may be looser than the schema; never stricter than a valid output needs). */
  grammarSchema: GbnfJsonSchema;
  /** Keywords the grammar cannot enforce, by JSON pointer; they are checked after generation (ajv). */
  postValidated: string[];
}

type Json = Record<string, unknown>;

/** Any JSON value (node-llama-cpp turns `{}` into `null`, so "any" has to be spelled out). */
const ANY: GbnfJsonSchema = {
  oneOf: [{ type: ["string", "number", "boolean", "null"] }, { type: "array" }, { type: "object", additionalProperties: true }],
};
const ANNOTATIONS = new Set(["title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated",
  "readOnly", "writeOnly", "$defs", "definitions", "discriminator", "strict", "nullable"]);
const POST_VALIDATED = new Set(["pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
  "uniqueItems", "contains", "minContains", "maxContains", "not", "if", "then", "else", "patternProperties",
  "propertyNames", "dependentRequired", "dependentSchemas", "dependencies", "unevaluatedProperties",
  "unevaluatedItems", "format", "required", "additionalItems", "contentEncoding", "contentMediaType"]);
const GRAMMAR_FORMATS = new Set(["date-time", "date", "time"]);
const PRIMITIVE_TYPES = new Set(["string", "number", "integer", "boolean", "null"]);
/** Integer ranges up to this size are enforced exactly, as an enum. */
const MAX_ENUMERATED_INTEGER_RANGE = 1000;
const ROOT_DEF = "llmserve_root";

/**
 * Normalises a schema as OpenAI and pydantic clients send it (`$defs`, `definitions`, `anyOf` with null,
 * `additionalProperties: false`, `allOf: [{$ref}]`, draft-07 tuples) into node-llama-cpp's GbnfJsonSchema:
 * anyOf→oneOf, `{}`→any, definitions→$defs, bounded integer ranges→enum. Keywords the grammar cannot express are
 * listed in `postValidated` for the ajv check after generation. Throws StructuredOutputError (400) for what can be
 * neither enforced nor checked (non-local `$ref`, `false`, malformed schemas).
 * Note: node-llama-cpp always emits every declared property, so optional properties appear in the output.
 */
export function normalizeJsonSchema(schema: unknown, param: string): NormalizedJsonSchema {
  if (!isObject(schema) && typeof schema !== "boolean") {
    throw new StructuredOutputError(`${param} must be a JSON Schema object.`, param);
  }
  const root = schema;
  const defSources = new Map<string, unknown>();
  if (isObject(root)) {
    for (const key of ["definitions", "$defs"] as const) {
      const defs = root[key];
      if (isObject(defs)) for (const [name, def] of Object.entries(defs)) defSources.set(name, def);
    }
  }
  const defs: Record<string, GbnfJsonSchema> = {};
  const postValidated: string[] = [];

  function resolveRef(ref: string, at: string): GbnfJsonSchema {
    let name: string | undefined;
    if (ref === "#") name = ROOT_DEF;
    else {
      const match = /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(ref);
      if (match?.[1] !== undefined) name = decodeURIComponent(match[1]).replace(/~1/g, "/").replace(/~0/g, "~");
    }
    if (name === undefined || (name !== ROOT_DEF && !defSources.has(name))) {
      throw new StructuredOutputError(
        `${param}: "$ref": "${ref}" at ${at || "/"} is not supported; only local references to #/$defs/NAME or ` +
          "#/definitions/NAME that exist in the schema are.", param);
    }
    if (!(name in defs)) {
      defs[name] = ANY; // placeholder while recursing (self-referencing definitions)
      const source = name === ROOT_DEF ? root : defSources.get(name);
      defs[name] = convert(source, name === ROOT_DEF ? "" : `/$defs/${name}`);
    }
    return { $ref: `#/$defs/${name}` } as GbnfJsonSchema;
  }

  function convert(node: unknown, at: string): GbnfJsonSchema {
    if (node === true) return ANY;
    if (node === false) throw new StructuredOutputError(`${param}: the schema at ${at || "/"} is \`false\`; no output can match it.`, param);
    if (!isObject(node)) throw new StructuredOutputError(`${param}: the schema at ${at || "/"} must be an object or a boolean.`, param);
    for (const key of Object.keys(node)) if (POST_VALIDATED.has(key) && !isEnforced(node, key)) postValidated.push(`${at}/${key}`);

    const nullable = node.nullable === true;
    const base = convertWithoutNullable(node, at);
    return nullable ? { oneOf: [base, { type: "null" }] } : base;
  }

  function convertWithoutNullable(node: Json, at: string): GbnfJsonSchema {
    if (typeof node.$ref === "string") return resolveRef(node.$ref, at);
    if (Array.isArray(node.allOf)) return convert(mergeAllOf(node, at), at);
    for (const key of ["anyOf", "oneOf"] as const) {
      const alternatives = node[key];
      if (alternatives === undefined) continue;
      if (!Array.isArray(alternatives) || alternatives.length === 0) {
        throw new StructuredOutputError(`${param}: "${key}" at ${at || "/"} must be a non-empty array.`, param);
      }
      const siblings = Object.keys(node).filter((k) => k !== key && !ANNOTATIONS.has(k));
      if (siblings.length > 0) postValidated.push(`${at}/${key}`); // partial alternatives next to `type`: ajv checks
      else return { oneOf: alternatives.map((alt, i) => convert(alt, `${at}/${key}/${i}`)) };
    }
    if ("const" in node) return { const: primitive(node.const, `${at}/const`) };
    if (Array.isArray(node.enum)) return { enum: node.enum.map((v, i) => primitive(v, `${at}/enum/${i}`)) };

    const type = node.type;
    if (Array.isArray(type)) {
      if (type.every((t) => typeof t === "string" && PRIMITIVE_TYPES.has(t) && t !== "string" && t !== "integer")) {
        return { type: type as ("number" | "boolean" | "null")[] };
      }
      return { oneOf: type.map((t, i) => convertWithoutNullable({ ...node, type: t }, `${at}/type/${i}`)) };
    }
    switch (type) {
      case "string": return stringSchema(node);
      case "integer": return integerSchema(node);
      case "number": case "boolean": case "null": return { type };
      case "object": return objectSchema(node, at);
      case "array": return arraySchema(node, at);
      case undefined:
        if (isObject(node.properties) || node.additionalProperties !== undefined) return objectSchema(node, at);
        if (node.items !== undefined || node.prefixItems !== undefined) return arraySchema(node, at);
        return ANY;
      default:
        throw new StructuredOutputError(`${param}: unknown "type": ${JSON.stringify(type)} at ${at || "/"}.`, param);
    }
  }

  function objectSchema(node: Json, at: string): GbnfJsonSchema {
    const properties: Record<string, GbnfJsonSchema> = {};
    const source = isObject(node.properties) ? node.properties : {};
    for (const [name, value] of Object.entries(source)) properties[name] = convert(value, `${at}/properties/${name}`);
    const extra = node.additionalProperties;
    const hasProperties = Object.keys(properties).length > 0;
    // JSON Schema's default is "extra properties allowed"; node-llama-cpp's is "none". Without declared properties
    // that would force `{}`, so spell it out; with properties, emitting none extra is still valid output.
    const additionalProperties = extra === undefined ? !hasProperties : extra === false ? false
      : extra === true ? true : convert(extra, `${at}/additionalProperties`);
    return {
      type: "object",
      ...(hasProperties ? { properties } : {}),
      additionalProperties,
      ...(typeof node.minProperties === "number" ? { minProperties: node.minProperties } : {}),
      ...(typeof node.maxProperties === "number" ? { maxProperties: node.maxProperties } : {}),
    } as GbnfJsonSchema;
  }

  function arraySchema(node: Json, at: string): GbnfJsonSchema {
    const tuple = Array.isArray(node.prefixItems) ? node.prefixItems : Array.isArray(node.items) ? node.items : undefined;
    const rest = Array.isArray(node.items) ? node.additionalItems : node.items;
    return {
      type: "array",
      ...(tuple !== undefined ? { prefixItems: tuple.map((item, i) => convert(item, `${at}/prefixItems/${i}`)) } : {}),
      ...(rest !== undefined && rest !== false ? { items: convert(rest, `${at}/items`) } : {}),
      ...(rest === false && tuple !== undefined ? { maxItems: tuple.length } : {}),
      ...(typeof node.minItems === "number" ? { minItems: node.minItems } : {}),
      ...(typeof node.maxItems === "number" ? { maxItems: node.maxItems } : {}),
    } as GbnfJsonSchema;
  }

  function primitive(value: unknown, at: string): string | number | boolean | null {
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) return value as string | number | boolean | null;
    throw new StructuredOutputError(`${param}: only string, number, boolean and null values are supported in const/enum (at ${at}).`, param);
  }

  function mergeAllOf(node: Json, at: string): Json {
    const { allOf, ...rest } = node;
    const parts = (allOf as unknown[]).map((part) => {
      if (isObject(part) && typeof part.$ref === "string" && (allOf as unknown[]).length > 1) {
        const name = /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(part.$ref)?.[1];
        const target = name === undefined ? undefined : defSources.get(name);
        if (isObject(target)) return target;
      }
      return part;
    });
    if (parts.length === 1 && Object.keys(rest).every((k) => ANNOTATIONS.has(k))) return parts[0] as Json;
    const merged: Json = { ...rest };
    for (const part of parts) {
      if (!isObject(part) || Array.isArray(part.anyOf) || Array.isArray(part.oneOf) || typeof part.$ref === "string") {
        throw new StructuredOutputError(`${param}: "allOf" at ${at || "/"} combines schemas that cannot be merged; ` +
          "only object schemas (properties/required) and single references are supported.", param);
      }
      for (const [key, value] of Object.entries(part)) {
        if (key === "properties" && isObject(value)) merged.properties = { ...(merged.properties as Json | undefined), ...value };
        else if (key === "required" && Array.isArray(value)) merged.required = [...((merged.required as unknown[]) ?? []), ...value];
        else merged[key] = value;
      }
    }
    return merged;
  }

  function isEnforced(node: Json, key: string): boolean {
    if (key === "format") return node.type === "string" && GRAMMAR_FORMATS.has(String(node.format));
    // every declared property is always generated, so `required` only needs checking when some are undeclared
    if (key === "required") {
      const declared = isObject(node.properties) ? node.properties : {};
      return Array.isArray(node.required) && node.required.every((name) => typeof name === "string" && name in declared);
    }
    if (key === "minimum" || key === "maximum") return integerRange(node) !== undefined;
    return false;
  }

  const converted = convert(root, "");
  const grammarSchema = Object.keys(defs).length > 0 ? ({ oneOf: [converted], $defs: defs } as GbnfJsonSchema) : converted;
  return { grammarSchema, postValidated };
}

function stringSchema(node: Json): GbnfJsonSchema {
  if (typeof node.format === "string" && GRAMMAR_FORMATS.has(node.format)) {
    return { type: "string", format: node.format as "date-time" | "date" | "time" };
  }
  return {
    type: "string",
    ...(typeof node.minLength === "number" ? { minLength: node.minLength } : {}),
    ...(typeof node.maxLength === "number" ? { maxLength: node.maxLength } : {}),
  };
}

function integerSchema(node: Json): GbnfJsonSchema {
  const range = integerRange(node);
  if (range === undefined) return { type: "integer" };
  const values: number[] = [];
  for (let value = range[0]; value <= range[1]; value++) values.push(value);
  return { enum: values };
}

/** [min, max] of an integer schema whose inclusive bounds are both set and close enough to enumerate. */
function integerRange(node: Json): [number, number] | undefined {
  if (node.type !== "integer" || typeof node.minimum !== "number" || typeof node.maximum !== "number") return undefined;
  if (node.multipleOf !== undefined || node.exclusiveMinimum !== undefined || node.exclusiveMaximum !== undefined) return undefined;
  const min = Math.ceil(node.minimum);
  const max = Math.floor(node.maximum);
  return max >= min && max - min < MAX_ENUMERATED_INTEGER_RANGE ? [min, max] : undefined;
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
