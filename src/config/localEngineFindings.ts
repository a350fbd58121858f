import { reasoningParserNames } from "../reasoning/createReasoningParser.js";
import { toolCallParserNames } from "../tools/createToolCallParser.js";
import { configSchema, resolveRef } from "./configSchema.js";
import { errorAt, type Finding } from "./Finding.js";
import { llmConfigsOf, recordAt } from "./walkConfig.js";

/** Which engine_kwargs names a parser, the schema's list of vLLM's names for it, and what the local engine runs. */
const PARSER_KEYS = [
  { key: "reasoning_parser", schemaDef: "ReasoningParserName", implemented: reasoningParserNames },
  { key: "tool_call_parser", schemaDef: "ToolCallParserName", implemented: toolCallParserNames },
] as const;

/**
 * The schema accepts every parser name vLLM has (a file for Ray may name any of them); the local engine implements
 * a subset. A name it lacks would only fail when the replica starts, so `--target local` says so up front.
 */
export function localEngineFindings(root: unknown): Finding[] {
  const findings: Finding[] = [];
  for (const { llmConfig, llmSegments } of llmConfigsOf(root)) {
    const kwargs = recordAt(llmConfig, "engine_kwargs");
    if (kwargs === undefined) continue;
    for (const { key, schemaDef, implemented } of PARSER_KEYS) {
      const name = kwargs[key];
      if (typeof name !== "string" || implemented.includes(name) || !vllmNames(schemaDef).includes(name)) continue;
      findings.push(
        errorAt(
          [...llmSegments, "engine_kwargs", key],
          `${key} '${name}' is a vLLM parser that llmserve's local engine does not implement; it implements ` +
            `${implemented.join(", ")} (validate with --target ray for a file meant only for a Ray cluster)`,
        ),
      );
    }
  }
  return findings;
}

function vllmNames(schemaDef: string): readonly unknown[] {
  return resolveRef({ $ref: `#/$defs/${schemaDef}` }, configSchema()).enum ?? [];
}
