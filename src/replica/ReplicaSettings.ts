import type { HubCacheDirs } from "../protocol/hubCacheDirs.js";
import type { ReplicaSpec } from "../protocol/ReplicaSpec.js";

export type { ReasoningFieldChoice, ReplicaGpuChoice } from "../protocol/ReplicaSpec.js";

/**
 * What the engine and the HTTP routes consume: the replica's spec with this process's environment applied
 * (`replicaSettingsFromSpec`). The Hugging Face token lives here but is never logged.
 */
export interface ReplicaSettings extends ReplicaSpec {
  /** Hugging Face token tried after an unauthenticated request is refused. Never printed. */
  readonly hfToken: string | undefined;
  /** `$LLMSERVE_HOME` (the parent of `modelsDir`): native builds made on first use are cached under it. */
  readonly home: string;
  /** Hugging Face hub caches of this process's environment (HF_HUB_CACHE, HF_HOME, LLAMA_CACHE, ...). */
  readonly hubCache: HubCacheDirs;
}
