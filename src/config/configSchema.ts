import { readFileSync } from "node:fs";
import { ownValue } from "./ownValue.js";

/** A JSON Schema node as this module reads it (only the keywords llmserve's schema uses). */
export interface SchemaNode {
  $ref?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  minItems?: number;
  pattern?: string;
  patternErrorMessage?: string;
  $defs?: Record<string, SchemaNode>;
  "x-ignored-locally"?: boolean;
  "x-llmserve-extension"?: boolean;
  /** The first Ray release that accepts the key (`2.43`), or `seen at <commit>` / `master` when no release is pinned. */
  "x-ray-since"?: string;
}

/** URL of schemas/llmserve.schema.json: two levels above both src/config and dist/config. */
export const CONFIG_SCHEMA_URL = new URL("../../schemas/llmserve.schema.json", import.meta.url);

let cached: SchemaNode | undefined;

/** The llmserve config schema (read once; treat as read-only). */
export function configSchema(): SchemaNode {
  cached ??= JSON.parse(readFileSync(CONFIG_SCHEMA_URL, "utf8")) as SchemaNode;
  return cached;
}

/** Follows a local `$ref` (`#/$defs/Name`) to its schema; other nodes are returned as they are. */
export function resolveRef(node: SchemaNode, root: SchemaNode = configSchema()): SchemaNode {
  let current = node;
  for (let depth = 0; current.$ref !== undefined && depth < 16; depth++) {
    const name = /^#\/\$defs\/(.+)$/.exec(current.$ref)?.[1];
    const target = name === undefined ? undefined : root.$defs?.[name];
    if (target === undefined) return current;
    current = target;
  }
  return current;
}

/** The schema of property `key` of an object schema, with refs resolved, or undefined. */
export function propertySchema(objectSchema: SchemaNode, key: string): SchemaNode | undefined {
  const property = ownValue(resolveRef(objectSchema).properties, key);
  return property === undefined ? undefined : resolveRef(property);
}

/** True when the (resolved) schema or the property entry itself is marked ignored locally. */
export function isIgnoredLocally(propertyEntry: SchemaNode): boolean {
  if (propertyEntry["x-ignored-locally"] === true || resolveRef(propertyEntry)["x-ignored-locally"] === true) return true;
  // `Optional[X]` in Ray is `anyOf: [X, null]` here: the mark sits on X.
  const valued = (propertyEntry.anyOf ?? []).filter((branch) => branch.type !== "null");
  return valued.length === 1 && isIgnoredLocally(valued[0]!);
}
