import { errorAt, type Finding } from "./Finding.js";
import { schemaDefault } from "./schemaDefault.js";
import { isInteger, llmConfigsOf, recordAt } from "./walkConfig.js";

/**
 * Replica-count rules the schema cannot express: num_replicas excludes autoscaling_config,
 * min_replicas <= initial_replicas <= max_replicas (with Ray's defaults for the ones not written), and the router's
 * replica count under its current name.
 */
export function replicaFindings(root: unknown): Finding[] {
  const findings: Finding[] = [];
  for (const { llmConfig, llmSegments } of llmConfigsOf(root)) {
    if (recordAt(llmConfig, "experimental_configs")?.["num_router_replicas"] !== undefined) {
      findings.push(
        errorAt(
          [...llmSegments, "experimental_configs", "num_router_replicas"],
          "'num_router_replicas' was renamed 'num_ingress_replicas' (Ray refuses the old name)",
          "key",
        ),
      );
    }
    const deployment = recordAt(llmConfig, "deployment_config");
    if (deployment === undefined) continue;
    const base = [...llmSegments, "deployment_config"];
    const autoscaling = recordAt(deployment, "autoscaling_config");
    if (deployment["num_replicas"] != null && deployment["autoscaling_config"] != null) {
      findings.push(
        errorAt(
          [...base, "num_replicas"],
          "num_replicas cannot be used together with autoscaling_config (Ray refuses this too); remove one of them",
          "key",
        ),
      );
    }
    if (deployment["max_queued_requests"] === 0) {
      findings.push(
        errorAt(
          [...base, "max_queued_requests"],
          "max_queued_requests must be -1 (unlimited) or a positive integer (got 0)",
        ),
      );
    }
    if (autoscaling !== undefined) findings.push(...autoscalingFindings(autoscaling, [...base, "autoscaling_config"]));
  }
  return findings;
}

function isCount(value: unknown, minimum: number): value is number {
  return isInteger(value) && value >= minimum;
}

function autoscalingFindings(autoscaling: Record<string, unknown>, base: (string | number)[]): Finding[] {
  const findings: Finding[] = [];
  const minSet = autoscaling["min_replicas"] !== undefined;
  const maxSet = autoscaling["max_replicas"] !== undefined;
  const min = minSet ? autoscaling["min_replicas"] : schemaDefault("AutoscalingConfig", "min_replicas");
  const max = maxSet ? autoscaling["max_replicas"] : schemaDefault("AutoscalingConfig", "max_replicas");
  const initial = autoscaling["initial_replicas"] ?? undefined;
  // Out-of-range counts are reported by the schema; comparing them as well would only add noise.
  if (!isCount(min, 0) || !isCount(max, 1) || (initial !== undefined && !isCount(initial, 0))) return findings;
  const shown = (value: number, set: boolean) => (set ? `${value}` : `${value}, the default`);
  if (isInteger(min) && isInteger(max) && min > max) {
    findings.push(
      errorAt(
        [...base, minSet ? "min_replicas" : "max_replicas"],
        `min_replicas (${shown(min, minSet)}) is greater than max_replicas (${shown(max, maxSet)})`,
      ),
    );
  }
  if (isInteger(initial)) {
    if (isInteger(min) && initial < min) {
      findings.push(
        errorAt(
          [...base, "initial_replicas"],
          `initial_replicas (${initial}) is less than min_replicas (${shown(min, minSet)})`,
        ),
      );
    }
    if (isInteger(max) && initial > max) {
      findings.push(
        errorAt(
          [...base, "initial_replicas"],
          `initial_replicas (${initial}) is greater than max_replicas (${shown(max, maxSet)})`,
        ),
      );
    }
  }
  return findings;
}
