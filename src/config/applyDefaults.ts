import { configSchema, isIgnoredLocally, resolveRef, type SchemaNode } from "./configSchema.js";
import { schemaAllowsTypeOf } from "./describeValue.js";
import { isRecord } from "./walkConfig.js";

/**
 * Returns a copy of `value` with the schema's `default`s filled in where a key is missing. A mapping whose schema
 * has a default (`http_options: {}`) is created and then filled; settings marked ignored-locally get no defaults.
 * Absent optional mappings without a default (autoscaling_config) stay absent.
 */
export function applyDefaults<T>(value: T, schema: SchemaNode = configSchema()): T {
  return fill(structuredClone(value), schema) as T;
}

function fill(value: unknown, node: SchemaNode): unknown {
  const schema = resolveRef(node);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches !== undefined) {
    const branch = branches.find((b) => schemaAllowsTypeOf(b, value));
    return branch === undefined ? value : fill(value, branch);
  }
  if (Array.isArray(value)) {
    if (schema.items !== undefined) for (let i = 0; i < value.length; i++) value[i] = fill(value[i], schema.items);
    return value;
  }
  if (!isRecord(value) || schema.properties === undefined) return value;
  for (const [key, entry] of Object.entries(schema.properties)) {
    if (isIgnoredLocally(entry)) continue;
    if (value[key] === undefined) {
      const fallback = entry.default ?? resolveRef(entry).default;
      if (fallback === undefined) continue;
      value[key] = structuredClone(fallback);
    }
    value[key] = fill(value[key], entry);
  }
  return value;
}
