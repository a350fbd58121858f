import { configSchema, propertySchema, type SchemaNode } from "./configSchema.js";

/**
 * The schema's `default` for the property at `keys` under `$defs/<definition>` (`"HttpOptions", "cors",
 * "max_age_s"`): the one place a default is written. Loading fills these into the file; resolvers read them here
 * for what loading cannot fill (an absent optional mapping, a `null` Ray accepts). Throws when the schema gives
 * none: that is a bug, not user input.
 */
export function schemaDefault(definition: string, ...keys: string[]): unknown {
  let node: SchemaNode | undefined = configSchema().$defs?.[definition];
  for (const key of keys) node = node === undefined ? undefined : propertySchema(node, key);
  if (node?.default === undefined) throw new Error(`internal error: the schema gives ${[definition, ...keys].join(".")} no default`);
  return structuredClone(node.default);
}
