import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ValidateFunction } from "ajv";
import { CONFIG_SCHEMA_URL } from "./configSchema.js";
import { schemaSha256, validate } from "./generated/configValidate.js";

let checked = false;

/**
 * ajv's validator of the config schema (all errors, verbose so messages can show the bad value), compiled at build
 * time by scripts/generateConfigValidator.mjs: compiling it here took 300-600 ms of every command that reads a config.
 */
export function configValidator(): ValidateFunction {
  if (!checked) {
    const current = createHash("sha256").update(readFileSync(CONFIG_SCHEMA_URL, "utf8")).digest("hex");
    if (current !== schemaSha256) {
      throw new Error("src/config/generated/configValidate.ts was generated from another schema; run `npm run generate:types`");
    }
    checked = true;
  }
  return validate as ValidateFunction;
}
