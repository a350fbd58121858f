import type { ErrorObject } from "ajv";
import { propertySchema, resolveRef, type SchemaNode } from "./configSchema.js";
import { configValidator } from "./configValidator.js";
import { describeSchema, describeTypes, describeValue, listValues, schemaAllowsTypeOf } from "./describeValue.js";
import { didYouMean } from "./didYouMean.js";
import { errorAt, type Finding, type PathSegment } from "./Finding.js";
import { MISPLACED_KEY_HINTS } from "./misplacedKeyHints.js";
import { ownValue } from "./ownValue.js";
import type { ConfigTarget } from "./ResolvedConfig.js";

const LOCAL_ONLY_ACCELERATORS = "#/$defs/LocalAcceleratorType";

/**
 * Validates the whole config against the schema and turns ajv's errors into human messages. With target `ray` the
 * allowed values leave out llmserve-only ones (Ray refuses them).
 */
export function schemaFindings(value: unknown, target: ConfigTarget = "local"): Finding[] {
  const validate = configValidator();
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  const kept = dropBranchNoise(errors);
  return kept.map((error) => toFinding(error, value, target));
}

/**
 * ajv reports every failed branch of an anyOf. When the value's type picks one branch (a mapping for
 * `LLMConfig | path`), keep that branch's errors only; otherwise keep only the anyOf error, worded as a whole.
 */
function dropBranchNoise(errors: readonly ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  for (const error of errors) {
    if (error.keyword !== "anyOf" && error.keyword !== "oneOf") continue;
    const branches = (error.schema as SchemaNode[] | undefined) ?? [];
    const structured = typeof error.data === "object" && error.data !== null;
    const picked = structured && branches.some((branch) => schemaAllowsTypeOf(branch, error.data));
    for (const other of errors) {
      if (other === error || other.instancePath !== error.instancePath) continue;
      if (!picked || other.schemaPath.startsWith(`${error.schemaPath}/`)) dropped.add(other);
    }
    if (picked) dropped.add(error);
  }
  // A value of the wrong type also fails its enum, range or pattern: the type error says it all.
  const typeErrorAt = new Set(errors.filter((e) => e.keyword === "type" && !dropped.has(e)).map((e) => e.instancePath));
  for (const error of errors) {
    if (error.keyword !== "type" && typeErrorAt.has(error.instancePath) && !isContainerKeyword(error.keyword))
      dropped.add(error);
  }
  return errors.filter((error) => !dropped.has(error));
}

/** Keywords whose errors are about a mapping's keys, reported at the mapping's own path. */
function isContainerKeyword(keyword: string): boolean {
  return keyword === "required" || keyword === "additionalProperties";
}

function toFinding(error: ErrorObject, root: unknown, target: ConfigTarget): Finding {
  const segments = instanceSegments(error.instancePath, root);
  const name = displayName(segments);
  const got = describeValue(error.data);
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params["additionalProperty"]);
      return errorAt([...segments, key], unknownKeyMessage(key, parent), "key");
    }
    case "required": {
      const key = String(params["missingProperty"]);
      return { ...errorAt([...segments, key], `missing required key '${key}'`, "key"), positionAt: segments };
    }
    case "type":
      return errorAt(
        segments,
        `${name} must be ${describeTypes(params["type"] as string | string[])} (got ${got})${quoteHint(params["type"], error.data)}`,
      );
    case "enum": {
      const allowed = (params["allowedValues"] as unknown[]) ?? [];
      if (segments.at(-1) === "import_path") return errorAt(segments, importPathMessage(name, got));
      return errorAt(
        segments,
        `${name} must be one of ${listValues(allowed)} (got ${got})${suggestion(error.data, allowed)}`,
      );
    }
    case "const":
      return errorAt(segments, constMessage(name, params["allowedValue"], got));
    case "anyOf":
    case "oneOf": {
      if (segments.at(-2) === "llm_configs") {
        return errorAt(
          segments,
          `each llm_configs entry must be an LLMConfig mapping or the path of a YAML file holding one (got ${got})`,
        );
      }
      const branches = ((error.schema as SchemaNode[] | undefined) ?? []).filter(
        (branch) => target === "local" || branch.$ref !== LOCAL_ONLY_ACCELERATORS,
      );
      const allowedValues = branches.flatMap((b) => resolveRef(b).enum ?? []);
      return errorAt(
        segments,
        `${name} must be ${anyOfWords(branches)} (got ${got})${suggestion(error.data, allowedValues)}`,
      );
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return errorAt(segments, `${name} must be ${params["comparison"]} ${params["limit"]} (got ${got})`);
    case "minLength":
      return errorAt(segments, `${name} must not be empty`);
    case "minItems": {
      const limit = Number(params["limit"]);
      return errorAt(segments, `${name} must have at least ${limit} ${limit === 1 ? "entry" : "entries"}`);
    }
    case "pattern":
      return errorAt(segments, `${name} ${parent.patternErrorMessage ?? `must match ${parent.pattern}`} (got ${got})`);
    default:
      return errorAt(segments, `${name} ${error.message ?? "is invalid"}`);
  }
}

/** YAML reads `4` and `true` as a number and a boolean; where a string is wanted, say how to keep it one. */
function quoteHint(expected: unknown, value: unknown): string {
  if (expected !== "string" || (typeof value !== "number" && typeof value !== "boolean")) return "";
  return `; quote it to make it a string: "${String(value)}"`;
}

function unknownKeyMessage(key: string, objectSchema: SchemaNode): string {
  const hint = ownValue(ownValue(MISPLACED_KEY_HINTS, objectSchema.title ?? ""), key);
  if (hint !== undefined) return hint;
  const allowed = Object.keys(objectSchema.properties ?? {});
  const guess = didYouMean(key, allowed);
  if (guess !== undefined) return `unknown key '${key}', did you mean '${guess}'?`;
  return `unknown key '${key}' (allowed: ${allowed.join(", ")})`;
}

function suggestion(value: unknown, allowed: readonly unknown[]): string {
  if (typeof value !== "string") return "";
  const guess = didYouMean(
    value,
    allowed.filter((v): v is string => typeof v === "string"),
  );
  return guess === undefined ? "" : `; did you mean '${guess}'?`;
}

/** `one of a, b, c` when every branch is a list of values (`... or null` when one branch is null alone). */
function anyOfWords(branches: readonly SchemaNode[]): string {
  const resolved = branches.map((b) => resolveRef(b));
  const valued = resolved.filter((b) => b.type !== "null");
  const enums = valued.filter((b) => b.enum !== undefined);
  if (enums.length === valued.length) {
    const orNull = valued.length < resolved.length ? " or null" : "";
    return `one of ${listValues(enums.flatMap((b) => b.enum ?? []))}${orNull}`;
  }
  return branches.map(describeSchema).join(" or ");
}

function constMessage(name: string, allowed: unknown, got: string): string {
  return `${name} must be ${describeValue(allowed)} (got ${got})`;
}

function importPathDefault(): unknown {
  return propertySchema({ $ref: "#/$defs/Application" }, "import_path")?.default;
}

function importPathMessage(name: string, got: string): string {
  return (
    `${name} must be '${String(importPathDefault())}' (got ${got}); llmserve checks and serves Ray Serve LLM's OpenAI ` +
    "application only, not other builders such as prefill-decode disaggregation"
  );
}

/** ajv's JSON pointer as path segments; array indexes become numbers. */
export function instanceSegments(pointer: string, root: unknown): PathSegment[] {
  if (pointer === "") return [];
  const segments: PathSegment[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      const index = Number(key);
      segments.push(index);
      node = node[index];
    } else {
      segments.push(key);
      node = typeof node === "object" && node !== null ? ownValue(node as Record<string, unknown>, key) : undefined;
    }
  }
  return segments;
}

/** The last key of a path with any indexes after it: `llm_configs[1]`, `reasoning_parser`, or `the file`. */
export function displayName(segments: readonly PathSegment[]): string {
  let name = "";
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i]!;
    if (typeof segment === "number") name = `[${segment}]${name}`;
    else return `${segment}${name}`;
  }
  return name === "" ? "the top level" : name;
}
