// Generates src/config/generated/schemaTypes.ts from schemas/llmserve.schema.json, so that the
// TypeScript types are derived from the schema (the single source of truth) and never hand-kept.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const schemaPath = join(root, "schemas", "llmserve.schema.json");
const outPath = join(root, "src", "config", "generated", "schemaTypes.ts");

const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
const ts = await compile(schema, "LlmServeConfigFile", {
  bannerComment: "/* Generated from schemas/llmserve.schema.json by scripts/generateSchemaTypes.mjs. Do not edit. */",
  additionalProperties: false,
  unreachableDefinitions: true,
  ignoreMinAndMaxItems: true,
  strictIndexSignatures: true,
  format: true,
  cwd: join(root, "schemas"),
});
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, ts);
