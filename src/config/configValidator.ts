import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { configSchema } from "./configSchema.js";

let cached: ValidateFunction | undefined;

/** The compiled ajv validator of the config schema (all errors, verbose so messages can show the bad value). */
export function configValidator(): ValidateFunction {
  if (cached === undefined) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    // llmserve's annotations, and VS Code's patternErrorMessage, are not validation keywords.
    ajv.addVocabulary(["x-ignored-locally", "x-llmserve-extension", "x-ray-since", "patternErrorMessage"]);
    cached = ajv.compile(configSchema());
  }
  return cached;
}
