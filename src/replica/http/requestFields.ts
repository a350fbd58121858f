import { invalidField } from "./OpenAIHttpError.js";

/** Readers for one field of a JSON request body: `undefined` when absent or null, else the checked value or a 400. */
export function optionalNumber(
  body: Record<string, unknown>,
  name: string,
  range: { min?: number; max?: number; exclusiveMin?: boolean; integer?: boolean } = {},
): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw invalidField(name, `'${name}' must be a number (got ${describe(value)})`);
  }
  if (range.integer === true && !Number.isInteger(value)) {
    throw invalidField(name, `'${name}' must be an integer (got ${value})`);
  }
  const { min, max } = range;
  if (min !== undefined && (range.exclusiveMin === true ? value <= min : value < min)) {
    throw invalidField(name, `'${name}' must be ${range.exclusiveMin === true ? "greater than" : "at least"} ${min} (got ${value})`);
  }
  if (max !== undefined && value > max) throw invalidField(name, `'${name}' must be at most ${max} (got ${value})`);
  return value;
}

export function optionalBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalidField(name, `'${name}' must be true or false (got ${describe(value)})`);
  return value;
}

export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidField(name, `'${name}' must be a string (got ${describe(value)})`);
  return value;
}

export function optionalObject(body: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw invalidField(name, `'${name}' must be an object (got ${describe(value)})`);
  }
  return value as Record<string, unknown>;
}

/** `stop`: a string or a list of strings. */
export function stopStrings(body: Record<string, unknown>): string[] {
  const value = body["stop"];
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value as string[];
  throw invalidField("stop", `'stop' must be a string or a list of strings (got ${describe(value)})`);
}

/** `model` is required and must name this replica's model (else 404, as OpenAI answers). */
export function requiredModel(body: Record<string, unknown>): string {
  const value = body["model"];
  if (typeof value !== "string" || value === "") {
    throw invalidField("model", `'model' is required and must be a string (got ${describe(value)})`);
  }
  return value;
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}
