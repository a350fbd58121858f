import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import { findInHubCache } from "./findInHubCache.js";
import type { HubCacheDirs } from "./hubCacheDirs.js";
import type { ModelSource } from "./ModelSource.js";
import { pickGgufFiles } from "./pickGgufFiles.js";
import { selectSplitParts } from "./selectSplitParts.js";

/**
 * Where a model source lives on disk once downloaded: the path itself for a local file, `url/<hash>-<name>` under
 * `modelsDir` for a URL; for Hugging Face sources the (first part's) snapshot path in a hub cache when every part is
 * there, else `hf/<owner>/<repo>/<file>` under `modelsDir` (a mirror without the hub API); undefined for
 * `hf:owner/repo:QUANT` not in a hub cache. Makes no request.
 */
export function cachedModelPath(source: ModelSource, modelsDir: string, hubCache?: HubCacheDirs): string | undefined {
  switch (source.kind) {
    case "local":
      return source.path;
    case "url": {
      const name = basename(new URL(source.url).pathname) || "model.gguf";
      const hash = createHash("sha256").update(source.url).digest("hex").slice(0, 12);
      return join(modelsDir, "url", `${hash}-${name}`);
    }
    case "hf-file": {
      const cached = hubCache && findInHubCache(hubCache.read, source.owner, source.repo, source.revision, selectSplitParts(source.file));
      return cached?.[0] ?? join(modelsDir, "hf", source.owner, source.repo, source.file);
    }
    case "hf-quant":
      return hubCache && findInHubCache(hubCache.read, source.owner, source.repo, "main", (paths) => pickGgufFiles(paths, source.quant))?.[0];
  }
}
