import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";

/**
 * Validators for Ray's documented Serve config (test/fixtures/ray/serve-config.schema.json): the whole
 * ServeDeploySchema and, per application, Ray Serve LLM's LLMServingArgs. Returns readable error lines; [] = valid.
 */
export function rayServeConfigErrors(config: unknown): string[] {
  const { deploy, llmArgs } = validators();
  const errors: string[] = [];
  if (!deploy(config)) errors.push(...format("", deploy.errors));
  const applications = (config as { applications?: unknown[] }).applications ?? [];
  applications.forEach((app, index) => {
    const args = (app as { args?: unknown }).args ?? {};
    if (!llmArgs(args)) errors.push(...format(`/applications/${index}/args`, llmArgs.errors));
  });
  return errors;
}

let cached: { deploy: ValidateFunction; llmArgs: ValidateFunction } | undefined;

function validators(): { deploy: ValidateFunction; llmArgs: ValidateFunction } {
  if (cached !== undefined) return cached;
  const schema = JSON.parse(readFileSync(new URL("../fixtures/ray/serve-config.schema.json", import.meta.url), "utf8")) as { $id: string };
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addSchema(schema);
  cached = {
    deploy: ajv.getSchema(`${schema.$id}#/$defs/ServeDeploySchema`) as ValidateFunction,
    llmArgs: ajv.getSchema(`${schema.$id}#/$defs/LLMServingArgs`) as ValidateFunction,
  };
  return cached;
}

function format(prefix: string, errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const extra = error.keyword === "additionalProperties" ? ` '${String((error.params as { additionalProperty?: string }).additionalProperty)}'` : "";
    return `${prefix}${error.instancePath}: ${error.message ?? "invalid"}${extra}`;
  });
}
