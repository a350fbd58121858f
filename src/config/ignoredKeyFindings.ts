import { configSchema, isIgnoredLocally, resolveRef, type SchemaNode } from "./configSchema.js";
import { schemaAllowsTypeOf } from "./describeValue.js";
import { warningAt, type Finding, type PathSegment } from "./Finding.js";
import { isRecord } from "./walkConfig.js";

/**
 * One warning per key that is valid for Ray (or vLLM) but means nothing to llmserve on one machine, so nobody
 * believes a setting took effect when it did not. Only for target `local`.
 */
export function ignoredKeyFindings(root: unknown): Finding[] {
  const findings: Finding[] = [];
  visit(root, configSchema(), [], findings, false);
  return findings;
}

function visit(value: unknown, node: SchemaNode, segments: PathSegment[], findings: Finding[], inEngineKwargs: boolean): void {
  const schema = resolveRef(node);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches !== undefined) {
    const branch = branches.find((b) => schemaAllowsTypeOf(b, value));
    if (branch !== undefined) visit(value, branch, segments, findings, inEngineKwargs);
    return;
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, index) => visit(item, schema.items!, [...segments, index], findings, inEngineKwargs));
    return;
  }
  if (!isRecord(value) || schema.properties === undefined) return;
  const isEngineKwargs = schema.title === "EngineKwargs";
  for (const [key, child] of Object.entries(value)) {
    const entry = schema.properties[key];
    if (entry === undefined) continue;
    if (isIgnoredLocally(entry)) {
      findings.push(warningAt([...segments, key], ignoredMessage(key, isEngineKwargs || inEngineKwargs)));
      continue;
    }
    visit(child, entry, [...segments, key], findings, isEngineKwargs);
  }
}

function ignoredMessage(key: string, engineArgument: boolean): string {
  return engineArgument
    ? `engine argument '${key}' is a vLLM setting that llmserve's llama.cpp engine does not use; ignored locally`
    : `'${key}' is a Ray setting that llmserve does not use on one machine; ignored locally`;
}
