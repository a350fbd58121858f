import { configSchema, resolveRef } from "./configSchema.js";
import { errorAt, type Finding } from "./Finding.js";
import { llmConfigsOf } from "./walkConfig.js";

/** What only Ray would refuse: llmserve-only accelerator names (CPU, RTX-4090, ...). */
export function rayTargetFindings(root: unknown): Finding[] {
  const localOnly = resolveRef({ $ref: "#/$defs/LocalAcceleratorType" }, configSchema()).enum ?? [];
  const findings: Finding[] = [];
  for (const { llmConfig, llmSegments } of llmConfigsOf(root)) {
    const type = llmConfig["accelerator_type"];
    if (typeof type === "string" && localOnly.includes(type)) {
      findings.push(
        errorAt(
          [...llmSegments, "accelerator_type"],
          `accelerator_type '${type}' is an llmserve-only name that Ray does not accept; use one of Ray's accelerator types or remove it`,
        ),
      );
    }
  }
  return findings;
}
