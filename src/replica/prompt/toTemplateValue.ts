import { ArrayValue, BooleanValue, FloatValue, IntegerValue, NullValue, ObjectValue, RuntimeValue, StringValue, UndefinedValue } from "@huggingface/jinja";
import { writtenAsFloat } from "./parseJsonKeepingFloats.js";

/** A mapping the template can iterate that reads as `text` when a template concatenates it to a string. */
export class MappingWithText {
  public constructor(
    public readonly mapping: Readonly<Record<string, unknown>>,
    public readonly text: string,
  ) {}
}

/**
 * Converts request data into Jinja values with Python's types: whole numbers written as floats stay floats
 * (`300.0`), other numbers are ints or floats as Python's `json.loads` reads them.
 */
export function toTemplateValue(value: unknown, float = false): RuntimeValue<unknown> {
  if (value instanceof RuntimeValue) return value;
  if (value instanceof MappingWithText) {
    const converted = toTemplateValue(value.mapping) as ObjectValue & { jsonText?: string };
    converted.jsonText = value.text;
    return converted;
  }
  switch (typeof value) {
    case "number":
      return float || !Number.isInteger(value) ? new FloatValue(value) : new IntegerValue(value);
    case "string":
      return new StringValue(value);
    case "boolean":
      return new BooleanValue(value);
    case "undefined":
      return new UndefinedValue();
    case "object": {
      if (value === null) return new NullValue();
      if (Array.isArray(value)) return new ArrayValue(value.map((item, index) => toTemplateValue(item, writtenAsFloat(value, index))));
      const entries = Object.entries(value as Record<string, unknown>);
      return new ObjectValue(new Map(entries.map(([key, item]) => [key, toTemplateValue(item, writtenAsFloat(value, key))])));
    }
    default:
      throw new TypeError(`cannot pass a ${typeof value} to a chat template`);
  }
}
