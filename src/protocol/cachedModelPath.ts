import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import type { ModelSource } from "./ModelSource.js";

/**
 * Where a model source lives on disk once downloaded: the path itself for a local file, `hf/<owner>/<repo>/<file>`
 * and `url/<hash>-<name>` under `modelsDir` for downloads. undefined for `hf:owner/repo:QUANT`, whose file name
 * is only known after asking the hub.
 */
export function cachedModelPath(source: ModelSource, modelsDir: string): string | undefined {
  switch (source.kind) {
    case "local":
      return source.path;
    case "url": {
      const name = basename(new URL(source.url).pathname) || "model.gguf";
      const hash = createHash("sha256").update(source.url).digest("hex").slice(0, 12);
      return join(modelsDir, "url", `${hash}-${name}`);
    }
    case "hf-file":
      return join(modelsDir, "hf", source.owner, source.repo, source.file);
    case "hf-quant":
      return undefined;
  }
}
