import { resolveAutoscaling } from "../../src/config/resolveConfig.js";
import type { ResolvedAutoscalingConfig } from "../../src/config/ResolvedConfig.js";
import type { AutoscalingConfig } from "../../src/config/generated/schemaTypes.js";

/** An autoscaling_config as written, resolved the way the controller gets it (the schema's defaults filled). */
export function autoscalingPolicy(given: AutoscalingConfig = {}): ResolvedAutoscalingConfig {
  const resolved = resolveAutoscaling({ autoscaling_config: given });
  if (resolved === undefined) throw new Error("resolveAutoscaling gave no autoscaling for an autoscaling_config");
  return resolved;
}
