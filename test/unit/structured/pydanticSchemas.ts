/** Schemas exactly as pydantic v2's `model_json_schema()` (and the OpenAI SDK's strict mode) emit them. */
export const PERSON_SCHEMA = {
  $defs: {
    Address: {
      additionalProperties: false,
      properties: {
        city: { maxLength: 12, title: "City", type: "string" },
        zip: { anyOf: [{ maxLength: 5, type: "string" }, { type: "null" }], default: null, title: "Zip" },
      },
      required: ["city", "zip"],
      title: "Address",
      type: "object",
    },
    Role: { enum: ["admin", "user"], title: "Role", type: "string" },
  },
  additionalProperties: false,
  properties: {
    name: { maxLength: 16, title: "Name", type: "string" },
    age: { maximum: 150, minimum: 0, title: "Age", type: "integer" },
    role: { $ref: "#/$defs/Role" },
    address: { $ref: "#/$defs/Address" },
    nickname: { anyOf: [{ maxLength: 8, type: "string" }, { type: "null" }], default: null, title: "Nickname" },
    active: { title: "Active", type: "boolean" },
  },
  required: ["name", "age", "role", "address", "nickname", "active"],
  title: "Person",
  type: "object",
} as const;

/** pydantic v1 style: `definitions`, `allOf: [{$ref}]` for a described reference. */
export const PYDANTIC_V1_SCHEMA = {
  title: "Order",
  type: "object",
  properties: {
    id: { title: "Id", type: "integer" },
    item: { title: "Item", description: "what", allOf: [{ $ref: "#/definitions/Item" }] },
    tags: { title: "Tags", type: "array", items: { type: "string", maxLength: 4 }, maxItems: 3 },
  },
  required: ["id", "item", "tags"],
  definitions: {
    Item: { title: "Item", type: "object", properties: { sku: { title: "Sku", type: "string", pattern: "^[A-Z]{3}$" } }, required: ["sku"] },
  },
} as const;
