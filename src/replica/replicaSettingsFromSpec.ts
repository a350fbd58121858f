import { dirname } from "node:path";
import { hubCacheDirs } from "../protocol/hubCacheDirs.js";
import type { ReplicaSpec } from "../protocol/ReplicaSpec.js";
import type { ReplicaSettings } from "./ReplicaSettings.js";

/**
 * What a replica runs with: its spec plus what belongs to this process's environment, never to a file: the Hugging
 * Face token (HF_TOKEN, else HUGGING_FACE_HUB_TOKEN), the Hugging Face cache directories and the GPUs placement left visible (CUDA_VISIBLE_DEVICES
 * empty or -1 puts a replica that may run on the CPU there).
 */
export function replicaSettingsFromSpec(spec: ReplicaSpec, env: NodeJS.ProcessEnv): ReplicaSettings {
  const visible = env["CUDA_VISIBLE_DEVICES"]?.trim();
  const noGpuVisible = visible !== undefined && (visible === "" || visible === "-1");
  return {
    ...spec,
    gpu: spec.gpu === "auto" && spec.allowCpuFallback && noGpuVisible ? false : spec.gpu,
    hfToken: nonEmpty(env["HF_TOKEN"]) ?? nonEmpty(env["HUGGING_FACE_HUB_TOKEN"]),
    home: dirname(spec.modelsDir),
    hubCache: hubCacheDirs(env),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value !== "" ? value : undefined;
}
