import { stat } from "node:fs/promises";
import { join } from "node:path";
import { DownloadError } from "./DownloadError.js";
import { cachedModelPath } from "../../protocol/cachedModelPath.js";
import { downloadFile, type DownloadProgress } from "./downloadFile.js";
import { downloadToHubCache } from "./downloadToHubCache.js";
import { findInHubCache } from "../../protocol/findInHubCache.js";
import type { HubCacheDirs } from "../../protocol/hubCacheDirs.js";
import { parseModelSource } from "../../protocol/parseModelSource.js";
import { pickGgufFiles } from "../../protocol/pickGgufFiles.js";
import { selectSplitParts } from "../../protocol/selectSplitParts.js";
import { withFileLock } from "./withFileLock.js";

export interface ResolveModelPathOptions {
  readonly modelsDir: string;
  /** Hugging Face hub caches (`hubCacheDirs(env)`): looked in first, downloaded into in their layout. */
  readonly hubCache: HubCacheDirs;
  /** Base URL of the Hugging Face hub, ending in "/" (HF_ENDPOINT). */
  readonly hfEndpoint: string;
  readonly hfToken: string | undefined;
  /** Called when a download starts and as bytes arrive (one figure over all parts of a split model). */
  readonly onProgress?: (progress: DownloadProgress) => void;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/**
 * Turns a model source into a local GGUF path (the first part of a split model: llama.cpp loads the others from
 * beside it). Hugging Face sources are looked for in the hub caches first (llama.cpp's and huggingface_hub's
 * shared layout; no request when every part is there), then downloaded into the hub cache; a hub without the
 * file-list API (a plain mirror) gets `hf/<owner>/<repo>/<file>` under `modelsDir`, as do plain URLs
 * (`url/<hash>-<name>`).
 */
export async function resolveModelPath(source: string, options: ResolveModelPathOptions): Promise<string> {
  const parsed = parseModelSource(source);
  switch (parsed.kind) {
    case "local":
      return parsed.path;
    case "url": {
      const dest = cachedModelPath(parsed, options.modelsDir)!;
      await fetchInto(parsed.url, dest, sameHost(parsed.url, options.hfEndpoint), options);
      return dest;
    }
    case "hf-file": {
      const { owner, repo, file, revision } = parsed;
      const select = selectSplitParts(file);
      const cached = findInHubCache(options.hubCache.read, owner, repo, revision, select);
      if (cached !== undefined) return cached[0]!;
      const legacy = cachedModelPath(parsed, options.modelsDir)!;
      if ((await isFile(legacy)) && select([]).length === 1) return legacy;
      const downloaded = await downloadToHubCache(owner, repo, revision, select, `cannot download ${source}`, hubOptions(options));
      if (downloaded !== undefined) return downloaded[0]!;
      const parts = select([]);
      const repoDir = join(options.modelsDir, "hf", owner, repo);
      for (const part of parts) {
        const url = `${options.hfEndpoint}${owner}/${repo}/resolve/${encodeURIComponent(revision)}/${part}?download=true`;
        await fetchInto(url, join(repoDir, part), true, options);
      }
      return join(repoDir, parts[0]!);
    }
    case "hf-quant": {
      const { owner, repo, quant } = parsed;
      const select = (paths: readonly string[]): string[] => pickGgufFiles(paths, quant);
      const cached = findInHubCache(options.hubCache.read, owner, repo, "main", select);
      if (cached !== undefined) return cached[0]!;
      const what = `cannot resolve hf:${owner}/${repo}:${quant}`;
      const downloaded = await downloadToHubCache(owner, repo, "main", select, what, hubOptions(options));
      if (downloaded === undefined) {
        throw new DownloadError(`${what}: ${options.hfEndpoint} has no hub API for ${owner}/${repo} (check that the repository exists, or name the file: hf:${owner}/${repo}/FILE.gguf)`);
      }
      return downloaded[0]!;
    }
  }
}

function hubOptions(options: ResolveModelPathOptions): Parameters<typeof downloadToHubCache>[5] {
  return {
    cacheDir: options.hubCache.write,
    endpoint: options.hfEndpoint,
    token: options.hfToken,
    signal: options.signal,
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
    ...(options.log !== undefined ? { log: options.log } : {}),
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function fetchInto(url: string, dest: string, tokenAllowed: boolean, options: ResolveModelPathOptions): Promise<void> {
  await withFileLock(`${dest}.lock`, options.signal, () =>
    downloadFile(url, dest, {
      token: options.hfToken,
      tokenAllowed,
      ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
      signal: options.signal,
      ...(options.log !== undefined ? { log: options.log } : {}),
      validateHead: (head) => {
        if (head.subarray(0, 4).toString("latin1") !== "GGUF") {
          throw new Error(`it is not a GGUF model file (it starts with ${JSON.stringify(head.subarray(0, 8).toString("latin1"))})`);
        }
      },
    }),
  );
}

function sameHost(url: string, endpoint: string): boolean {
  try {
    return new URL(url).host === new URL(endpoint).host;
  } catch {
    return false;
  }
}
