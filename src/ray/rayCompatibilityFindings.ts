import type { RayServeDeployConfig } from "./translateForRay.js";

/** Accelerator names Ray Serve LLM accepts (ray.util.accelerators, plus the alias A10 that Ray turns into A10G). */
export const RAY_ACCELERATOR_TYPES: ReadonlySet<string> = new Set([
  "V100", "P100", "T4", "P4", "K80", "A10", "A10G", "L4", "L40S", "A100", "H100", "H200", "H20", "B200",
  "Intel-GPU-Max-1550", "Intel-GPU-Max-1100", "Intel-GAUDI", "AMD-Instinct-MI100", "AMD-Instinct-MI250X",
  "AMD-Instinct-MI250X-MI250", "AMD-Instinct-MI210", "AMD-Instinct-MI300A", "AMD-Instinct-MI300X-OAM",
  "AMD-Instinct-MI300X-HF", "AMD-Instinct-MI308X", "AMD-Instinct-MI325X-OAM", "AMD-Instinct-MI350X-OAM",
  "AMD-Instinct-MI355X-OAM", "AMD-Radeon-R9-200-HD-7900", "AMD-Radeon-HD-7900", "aws-neuron-core", "TPU-V2",
  "TPU-V3", "TPU-V4", "TPU-V5P", "TPU-V5LITEPOD", "TPU-V6E", "Ascend910B", "Ascend910B4", "MXC500", "MXC550",
  "A100-40G", "A100-80G",
]);

export interface RayFinding {
  severity: "error" | "warning";
  /** e.g. `applications[0].args.llm_configs[1].accelerator_type` */
  path: string;
  message: string;
}

/**
 * What would fail or surprise on the cluster although llmserve accepts it locally: an accelerator_type only
 * llmserve knows (CPU, consumer GPUs; Ray answers "Unsupported accelerator type"), a model_source that is a
 * file of this machine.
 */
export function rayCompatibilityFindings(config: RayServeDeployConfig): RayFinding[] {
  const findings: RayFinding[] = [];
  config.applications.forEach((app, appIndex) => {
    const args = app["args"];
    const llmConfigs = typeof args === "object" && args !== null ? (args as { llm_configs?: unknown }).llm_configs : undefined;
    if (!Array.isArray(llmConfigs)) return;
    llmConfigs.forEach((llmConfig: unknown, index: number) => {
      if (typeof llmConfig !== "object" || llmConfig === null) return;
      const path = `applications[${appIndex}].args.llm_configs[${index}]`;
      const record = llmConfig as Record<string, unknown>;
      const accelerator = record["accelerator_type"];
      if (typeof accelerator === "string" && !RAY_ACCELERATOR_TYPES.has(accelerator)) {
        findings.push({
          severity: "error",
          path: `${path}.accelerator_type`,
          message:
            `accelerator_type '${accelerator}' is llmserve's (local) name; Ray rejects it ("Unsupported accelerator ` +
            `type"). Use a Ray accelerator such as A10G, L4, L40S, A100, A100-40G, A100-80G, H100, or remove it.`,
        });
      }
      const loading = record["model_loading_config"];
      const source = typeof loading === "object" && loading !== null ? (loading as Record<string, unknown>)["model_source"] : undefined;
      if (typeof source === "string" && /\.gguf$/i.test(source) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
        findings.push({
          severity: "warning",
          path: `${path}.model_loading_config.model_source`,
          message:
            `model_source '${source}' is a file path: every Ray node must have it at that path, and vLLM's GGUF ` +
            "support is experimental. Prefer a Hugging Face repository id in model_source and the GGUF in gguf_source.",
        });
      }
    });
  });
  return findings;
}
