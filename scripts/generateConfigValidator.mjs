// Generates src/config/generated/configValidate.ts: ajv's validator of schemas/llmserve.schema.json as standalone
// code. Compiling the schema at run time took 300-600 ms of every `run`, `validate`, `deploy` and of the
// controller's config loader; the generated module loads in a few ms. configValidator.ts refuses a generated file
// whose schema hash is not the current schema's (edit the schema, run `npm run generate:types`).
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const schemaText = readFileSync(join(root, "schemas", "llmserve.schema.json"), "utf8");
const outPath = join(root, "src", "config", "generated", "configValidate.ts");

// All errors, verbose so that messages can show the bad value and the schema that refused it.
const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, code: { source: true, esm: true } });
// llmserve's annotations, and VS Code's patternErrorMessage, are not validation keywords.
ajv.addVocabulary(["x-ignored-locally", "x-llmserve-extension", "x-ray-since", "patternErrorMessage"]);
const code = standaloneCode(ajv, ajv.compile(JSON.parse(schemaText)));
const schemaSha256 = createHash("sha256").update(schemaText).digest("hex");

mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(
  outPath,
  [
    "// @ts-nocheck",
    "/* Generated from schemas/llmserve.schema.json by scripts/generateConfigValidator.mjs. Do not edit. */",
    // The standalone code loads ajv's runtime helpers (ucs2length) with require().
    'import { createRequire } from "node:module";',
    "const require = createRequire(import.meta.url);",
    `export const schemaSha256 = ${JSON.stringify(schemaSha256)};`,
    code.replace(/^"use strict";/, ""),
    "",
  ].join("\n"),
);
