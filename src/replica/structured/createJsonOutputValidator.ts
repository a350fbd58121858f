import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { StructuredOutputError } from "./StructuredOutputError.js";

export type JsonOutputCheck = { ok: true; value: unknown } | { ok: false; message: string };
/** Checks a finished output (the content, not the reasoning) against the request's schema. */
export type JsonOutputValidator = (content: string) => JsonOutputCheck;

/** Formats ajv checks here (ajv-formats is not a dependency); any other `format` is refused with a 400. */
const FORMATS: Readonly<Record<string, RegExp>> = {
  "date-time": /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  time: /^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  uri: /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/,
  hostname: /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
  ipv4: /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/,
  ipv6: /^[0-9a-fA-F:.]+$/,
};

/**
 * Compiles the request's schema (as the client sent it) once per request. The returned check parses the content
 * and reports the first violations with their JSON pointers; `postValidated` (from normalizeJsonSchema) names the
 * keywords the grammar could not enforce, so the message says why the output could violate the schema at all.
 * Throws StructuredOutputError (400) for a schema ajv rejects or an unknown `format`.
 */
export function createJsonOutputValidator(
  schema: unknown,
  options: { param: string; postValidated?: readonly string[] },
): JsonOutputValidator {
  const { param, postValidated = [] } = options;
  const unknownFormat = findUnknownFormat(schema);
  if (unknownFormat !== undefined) {
    throw new StructuredOutputError(
      `${param}: "format": "${unknownFormat}" is not supported. Supported formats: ${Object.keys(FORMATS).join(", ")}.`, param);
  }
  const ajv = new Ajv2020({ strictSchema: false, strictTypes: false, strictTuples: false, strictRequired: false,
    allErrors: true, logger: false, formats: FORMATS });
  let validate: ReturnType<typeof ajv.compile>;
  try {
    validate = ajv.compile(toDraft2020(schema) as object);
  } catch (error) {
    throw new StructuredOutputError(`${param} is not a valid JSON Schema: ${(error as Error).message}`, param);
  }
  return (content) => {
    let value: unknown;
    try {
      value = JSON.parse(content) as unknown;
    } catch {
      return { ok: false, message: "The model's output is not valid JSON (it was probably cut off by max_tokens)." };
    }
    if (validate(value)) return { ok: true, value };
    const problems = (validate.errors ?? []).slice(0, 5).map(describe).join("; ");
    const why = postValidated.length > 0
      ? ` These keywords cannot be enforced by llama.cpp's grammar and are checked after generation: ${postValidated.join(", ")}.`
      : "";
    return { ok: false, message: `The model's output does not match the requested JSON schema: ${problems}.${why}` };
  };
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || "/"} ${error.message ?? "is invalid"}`;
}

/** Draft-07 forms ajv's 2020 dialect refuses: `$schema` URIs, tuple `items: [...]` + `additionalItems`. */
function toDraft2020(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toDraft2020);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema") continue;
    out[key] = toDraft2020(value);
  }
  if (Array.isArray(out.items)) {
    out.prefixItems = out.items;
    delete out.items;
    if ("additionalItems" in out) {
      out.items = out.additionalItems;
      delete out.additionalItems;
    }
  }
  return out;
}

function findUnknownFormat(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findUnknownFormat(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== "object") return undefined;
  const record = node as Record<string, unknown>;
  if (typeof record.format === "string" && !(record.format in FORMATS)) return record.format;
  for (const [key, value] of Object.entries(record)) {
    if (key === "properties" && value !== null && typeof value === "object") {
      for (const child of Object.values(value)) {
        const found = findUnknownFormat(child);
        if (found !== undefined) return found;
      }
    } else if (key !== "enum" && key !== "const" && key !== "default" && key !== "examples") {
      const found = findUnknownFormat(value);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
