import { describe, expect, it } from "vitest";
import { compileGrammar } from "../../../src/replica/structured/compileGrammar.js";
import { createJsonOutputValidator } from "../../../src/replica/structured/createJsonOutputValidator.js";
import { normalizeJsonSchema } from "../../../src/replica/structured/normalizeJsonSchema.js";
import { StructuredOutputError } from "../../../src/replica/structured/StructuredOutputError.js";
import { cpuLlama, grammarAccepts } from "./grammarTestHelpers.js";
import { PERSON_SCHEMA, PYDANTIC_V1_SCHEMA } from "./pydanticSchemas.js";

async function grammarFor(schema: unknown) {
  const { grammarSchema } = normalizeJsonSchema(schema, "response_format");
  return compileGrammar(await cpuLlama(), { kind: "json_schema", schema: grammarSchema });
}

const PERSON = { name: "Ada", age: 36, role: "admin", address: { city: "London", zip: null }, nickname: "ada", active: true };

describe("normalizeJsonSchema", () => {
  it("should turn a pydantic v2 schema ($defs, anyOf null, additionalProperties false) into one the grammar enforces", async () => {
    const { grammarSchema, postValidated } = normalizeJsonSchema(PERSON_SCHEMA, "response_format");
    const text = JSON.stringify(grammarSchema);
    expect(text).not.toContain("anyOf");
    expect(text).toContain('"$ref":"#/$defs/Address"');
    // bounded integer range enumerated, so min/max need no check afterwards; everything else is enforced
    expect(postValidated).toEqual([]);
    const grammar = await grammarFor(PERSON_SCHEMA);
    expect(grammarAccepts(grammar, JSON.stringify(PERSON))).toBe(true);
    expect(grammarAccepts(grammar, JSON.stringify({ ...PERSON, address: { city: "London", zip: "12345" } }))).toBe(true);
    expect(grammarAccepts(grammar, JSON.stringify({ ...PERSON, role: "root" }))).toBe(false);
    expect(grammarAccepts(grammar, JSON.stringify({ ...PERSON, age: 151 }))).toBe(false);
    expect(grammarAccepts(grammar, JSON.stringify({ ...PERSON, age: -1 }))).toBe(false);
    expect(grammarAccepts(grammar, JSON.stringify({ ...PERSON, nickname: "much too long" }))).toBe(false);
    expect(grammarAccepts(grammar, JSON.stringify({ ...PERSON, extra: 1 }))).toBe(false);
    const { active: _active, ...withoutActive } = PERSON;
    expect(grammarAccepts(grammar, JSON.stringify(withoutActive))).toBe(false);
  });

  it("should handle pydantic v1 definitions and allOf-wrapped references, and list pattern for the check afterwards", async () => {
    const { postValidated } = normalizeJsonSchema(PYDANTIC_V1_SCHEMA, "guided_json");
    expect(postValidated).toEqual(["/$defs/Item/properties/sku/pattern"]);
    const grammar = await grammarFor(PYDANTIC_V1_SCHEMA);
    expect(grammarAccepts(grammar, '{"id": 7, "item": {"sku": "ABC"}, "tags": ["a", "bb"]}')).toBe(true);
    expect(grammarAccepts(grammar, '{"id": 7, "item": {"sku": "ABC"}, "tags": ["a", "b", "c", "d"]}')).toBe(false);
    expect(grammarAccepts(grammar, '{"id": 7.5, "item": {"sku": "ABC"}, "tags": []}')).toBe(false);
  });

  it("should map {} and true to any JSON value instead of node-llama-cpp's null", async () => {
    const grammar = await grammarFor({ type: "object", properties: { data: {}, other: true } });
    expect(grammarAccepts(grammar, '{"data": {"x": [1, "a", null]}, "other": "s"}')).toBe(true);
    expect(grammarAccepts(grammar, '{"data": null, "other": 3}')).toBe(true);
  });

  it("should let an object without declared properties hold any properties (JSON Schema's default)", async () => {
    const grammar = await grammarFor({ type: "object" });
    expect(grammarAccepts(grammar, '{"a": 1, "b": [true]}')).toBe(true);
    expect(grammarAccepts(grammar, "[]")).toBe(false);
  });

  it("should support self-referencing definitions and the root reference", async () => {
    const tree = { $defs: { Node: { type: "object", properties: { v: { type: "integer" }, kids: { type: "array", items: { $ref: "#/$defs/Node" }, maxItems: 2 } } } }, $ref: "#/$defs/Node" };
    const grammar = await grammarFor(tree);
    expect(grammarAccepts(grammar, '{"v": 1, "kids": [{"v": 2, "kids": []}]}')).toBe(true);
    const rootRef = { type: "object", properties: { next: { anyOf: [{ $ref: "#" }, { type: "null" }] }, n: { type: "integer" } } };
    expect(grammarAccepts(await grammarFor(rootRef), '{"next": {"next": null, "n": 2}, "n": 1}')).toBe(true);
  });

  it("should handle type arrays, nullable, const, draft-07 tuples and allOf merges", async () => {
    const schema = {
      type: "object",
      properties: {
        a: { type: ["string", "null"], maxLength: 2 },
        b: { type: "number", nullable: true },
        c: { const: "fixed" },
        d: { type: "array", items: [{ type: "integer" }, { type: "boolean" }], additionalItems: false },
        e: { allOf: [{ type: "object", properties: { x: { type: "integer" } } }, { properties: { y: { type: "integer" } } }] },
      },
    };
    const grammar = await grammarFor(schema);
    expect(grammarAccepts(grammar, '{"a": null, "b": 1.5, "c": "fixed", "d": [1, true], "e": {"x": 1, "y": 2}}')).toBe(true);
    expect(grammarAccepts(grammar, '{"a": "abc", "b": 1.5, "c": "fixed", "d": [1, true], "e": {"x": 1, "y": 2}}')).toBe(false);
    expect(grammarAccepts(grammar, '{"a": "ab", "b": null, "c": "fixed", "d": [1, true, 3], "e": {"x": 1, "y": 2}}')).toBe(false);
  });

  it("should refuse what can be neither enforced nor checked, naming the place", () => {
    expect(() => normalizeJsonSchema({ $ref: "https://example.com/s.json" }, "guided_json")).toThrow(/"\$ref": "https:\/\/example.com\/s.json"/);
    expect(() => normalizeJsonSchema({ properties: { a: { $ref: "#/$defs/Missing" } } }, "guided_json")).toThrow(StructuredOutputError);
    expect(() => normalizeJsonSchema({ properties: { a: false } }, "guided_json")).toThrow(/\/properties\/a is `false`/);
    expect(() => normalizeJsonSchema("nope", "guided_json")).toThrow(/must be a JSON Schema object/);
    expect(() => normalizeJsonSchema({ type: "strng" }, "guided_json")).toThrow(/unknown "type"/);
    expect(() => normalizeJsonSchema({ enum: [{ a: 1 }] }, "guided_json")).toThrow(/const\/enum/);
  });
});

describe("createJsonOutputValidator", () => {
  it("should check what the grammar cannot enforce and say which keyword and where", () => {
    const { postValidated } = normalizeJsonSchema(PYDANTIC_V1_SCHEMA, "guided_json");
    const validate = createJsonOutputValidator(PYDANTIC_V1_SCHEMA, { param: "guided_json", postValidated });
    expect(validate('{"id": 1, "item": {"sku": "ABC"}, "tags": []}')).toEqual({ ok: true, value: { id: 1, item: { sku: "ABC" }, tags: [] } });
    const bad = validate('{"id": 1, "item": {"sku": "abc"}, "tags": []}');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/\/item\/sku must match pattern/);
    expect(!bad.ok && bad.message).toContain("/$defs/Item/properties/sku/pattern");
    const cut = validate('{"id": 1, "item": {"sk');
    expect(!cut.ok && cut.message).toMatch(/not valid JSON/);
  });

  it("should check minimum/maximum on numbers and known formats, and refuse unknown formats", () => {
    const schema = { type: "object", properties: { t: { type: "number", minimum: 0, maximum: 1 }, m: { type: "string", format: "email" } } };
    const { postValidated } = normalizeJsonSchema(schema, "guided_json");
    expect(postValidated).toEqual(["/properties/t/minimum", "/properties/t/maximum", "/properties/m/format"]);
    const validate = createJsonOutputValidator(schema, { param: "guided_json", postValidated });
    expect(validate('{"t": 0.5, "m": "a@b.co"}').ok).toBe(true);
    expect(validate('{"t": 1.5, "m": "a@b.co"}').ok).toBe(false);
    expect(validate('{"t": 0.5, "m": "nope"}').ok).toBe(false);
    expect(() => createJsonOutputValidator({ type: "string", format: "color" }, { param: "guided_json" })).toThrow(/"format": "color" is not supported/);
  });
});
