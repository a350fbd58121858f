import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fetchOrExplain } from "./fetchOrExplain.js";
import { DownloadError } from "./DownloadError.js";
import { cachedModelPath } from "../../protocol/cachedModelPath.js";
import { downloadFile, type DownloadProgress } from "./downloadFile.js";
import { parseModelSource } from "../../protocol/parseModelSource.js";
import { withLockFile } from "../../process/withLockFile.js";

export interface ResolveModelPathOptions {
  readonly modelsDir: string;
  /** Base URL of the Hugging Face hub, ending in "/" (HF_ENDPOINT). */
  readonly hfEndpoint: string;
  readonly hfToken: string | undefined;
  /** Called when a download starts and as bytes arrive; not called for a local or cached file. */
  readonly onProgress?: (progress: DownloadProgress) => void;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/**
 * Turns a model source into a local GGUF path, downloading into the cache (`modelsDir`) when needed:
 * `hf/<owner>/<repo>/<file>` for Hugging Face files, `url/<hash>-<name>` for plain URLs. A cached file is used
 * without any network request (for `hf:owner/repo:QUANT`, the manifest answer is cached too).
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
      const dest = cachedModelPath(parsed, options.modelsDir)!;
      const url = `${options.hfEndpoint}${parsed.owner}/${parsed.repo}/resolve/${encodeURIComponent(parsed.revision)}/${parsed.file}?download=true`;
      await fetchInto(url, dest, true, options);
      return dest;
    }
    case "hf-quant": {
      const repoDir = join(options.modelsDir, "hf", parsed.owner, parsed.repo);
      const file = await manifestFile(parsed.owner, parsed.repo, parsed.quant, repoDir, options);
      const dest = join(repoDir, file);
      const url = `${options.hfEndpoint}${parsed.owner}/${parsed.repo}/resolve/main/${file}?download=true`;
      await fetchInto(url, dest, true, options);
      return dest;
    }
  }
}

async function fetchInto(url: string, dest: string, tokenAllowed: boolean, options: ResolveModelPathOptions): Promise<void> {
  await withLockFile(`${dest}.lock`, options.signal, () =>
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

/** `hf:owner/repo:QUANT` → the GGUF file name, from the hub's manifest API (as llama.cpp asks it), cached. */
async function manifestFile(owner: string, repo: string, quant: string, repoDir: string, options: ResolveModelPathOptions): Promise<string> {
  const cachePath = join(repoDir, `.manifest-${quant}.json`);
  try {
    const cached = JSON.parse(await readFile(cachePath, "utf8")) as { file?: unknown };
    if (typeof cached.file === "string") return cached.file;
  } catch {
    // not cached yet
  }
  const url = `${options.hfEndpoint}v2/${owner}/${repo}/manifests/${encodeURIComponent(quant)}`;
  const headers: Record<string, string> = { "user-agent": "llama-cpp", accept: "application/json" };
  const what = `resolve hf:${owner}/${repo}:${quant}`;
  let response = await fetchOrExplain(url, { headers, ...(options.signal !== undefined ? { signal: options.signal } : {}) }, what);
  if ((response.status === 401 || response.status === 403) && options.hfToken !== undefined) {
    await response.body?.cancel();
    response = await fetchOrExplain(url, {
      headers: { ...headers, authorization: `Bearer ${options.hfToken}` },
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    }, what);
  }
  if (!response.ok) {
    await response.body?.cancel();
    const hint =
      response.status === 401 || response.status === 403
        ? options.hfToken === undefined
          ? "; the repository needs authentication: set HF_TOKEN"
          : "; the token from HF_TOKEN was refused"
        : response.status === 404
          ? `; check that ${owner}/${repo} exists and has a ${quant} GGUF`
          : "";
    throw new DownloadError(`cannot resolve hf:${owner}/${repo}:${quant}: the hub answered ${response.status}${hint}`);
  }
  const body = (await response.json()) as { ggufFile?: { rfilename?: unknown } };
  const file = body.ggufFile?.rfilename;
  if (typeof file !== "string" || !file.toLowerCase().endsWith(".gguf")) {
    throw new DownloadError(`hf:${owner}/${repo}:${quant} has no GGUF file for quantization ${quant}`);
  }
  await mkdir(repoDir, { recursive: true });
  await writeFile(cachePath, JSON.stringify({ file }));
  return file;
}

function sameHost(url: string, endpoint: string): boolean {
  try {
    return new URL(url).host === new URL(endpoint).host;
  } catch {
    return false;
  }
}
