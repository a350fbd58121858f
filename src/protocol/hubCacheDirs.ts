import { homedir } from "node:os";
import { join } from "node:path";

/** The Hugging Face hub cache directories: where downloads go and where cached files are looked for. */
export interface HubCacheDirs {
  /** Where llmserve writes, as llama.cpp does: LLAMA_CACHE, HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_HOME/hub, XDG_CACHE_HOME/huggingface/hub, ~/.cache/huggingface/hub. */
  readonly write: string;
  /** Every one of those that is set, then the default: a file in any of them is used without a request. */
  readonly read: readonly string[];
}

/**
 * The hub cache in the layout huggingface_hub and llama.cpp share (`models--owner--repo/{blobs,snapshots,refs}`),
 * resolved from the environment in llama.cpp's order, so that files downloaded by any of them are reused.
 */
export function hubCacheDirs(env: NodeJS.ProcessEnv = process.env): HubCacheDirs {
  const set = (name: string): string | undefined => (env[name] !== undefined && env[name] !== "" ? env[name] : undefined);
  const home = set("HOME") ?? homedir();
  const candidates = [
    set("LLAMA_CACHE"),
    set("HF_HUB_CACHE"),
    set("HUGGINGFACE_HUB_CACHE"),
    set("HF_HOME") !== undefined ? join(set("HF_HOME")!, "hub") : undefined,
    set("XDG_CACHE_HOME") !== undefined ? join(set("XDG_CACHE_HOME")!, "huggingface", "hub") : undefined,
    join(home, ".cache", "huggingface", "hub"),
  ].filter((dir): dir is string => dir !== undefined);
  return { write: candidates[0]!, read: [...new Set(candidates)] };
}
