import type { SchemaNode } from "./configSchema.js";
import { resolveRef } from "./configSchema.js";

const MAX_SHOWN = 60;

/** How a found value is quoted in messages: `'qwen'`, `3`, `true`, `null`, `a list`, `a mapping`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}...` : value;
    return `'${shown.replace(/\n/g, "\\n")}'`;
  }
  return String(value);
}

const TYPE_WORDS: Record<string, string> = {
  integer: "an integer",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
  null: "null",
};

/** `["integer", "null"]` -> `an integer or null`. */
export function describeTypes(types: string | readonly string[]): string {
  const list = typeof types === "string" ? [types] : types;
  return list.map((t) => TYPE_WORDS[t] ?? t).join(" or ");
}

/** `a, b, c` for enum values, strings as they are written in YAML. */
export function listValues(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ");
}

/** What a schema accepts, in words: `an integer >= 1`, `'auto'`, `one of TEXT, JSON`. */
export function describeSchema(node: SchemaNode): string {
  const schema = resolveRef(node);
  if (schema.const !== undefined) return `'${String(schema.const)}'`;
  if (schema.enum !== undefined) return `one of ${listValues(schema.enum)}`;
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches !== undefined) return branches.map(describeSchema).join(" or ");
  let text = schema.type === undefined ? "a value" : describeTypes(schema.type);
  const bounds: string[] = [];
  if (schema.minimum !== undefined) bounds.push(`>= ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) bounds.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) bounds.push(`<= ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) bounds.push(`< ${schema.exclusiveMaximum}`);
  if (bounds.length > 0) text += ` ${bounds.join(" and ")}`;
  if (schema.type === "string" && schema.minLength === 1) text = "a non-empty string";
  return text;
}

/** Does a value of this JSON type satisfy the schema's `type` (ignoring every other keyword)? */
export function schemaAllowsTypeOf(node: SchemaNode, value: unknown): boolean {
  const schema = resolveRef(node);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches !== undefined) return branches.some((b) => schemaAllowsTypeOf(b, value));
  if (schema.const !== undefined) return typeof schema.const === typeof value;
  if (schema.type === undefined) return true;
  const types = typeof schema.type === "string" ? [schema.type] : schema.type;
  return types.includes(jsonType(value)) || (jsonType(value) === "integer" && types.includes("number"));
}

export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}
