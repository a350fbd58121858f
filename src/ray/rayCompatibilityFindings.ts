import type { RayServeDeployConfig } from "./translateForRay.js";

export interface RayFinding {
  severity: "error" | "warning";
  /** e.g. `applications[0].args.llm_configs[1].accelerator_type` */
  path: string;
  message: string;
}

/**
 * What would surprise on the cluster although the file validates for Ray: a model_source that is a GGUF file
 * of this machine. (llmserve-only accelerator names and `hf:` sources are reported by loadConfigFile's Ray target.)
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
