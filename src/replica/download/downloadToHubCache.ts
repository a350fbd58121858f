import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, mkdir, stat, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { pipeline } from "node:stream/promises";
import { DownloadError } from "./DownloadError.js";
import { downloadFile, type DownloadProgress } from "./downloadFile.js";
import { fetchOrExplain } from "./fetchOrExplain.js";
import { hubRepoFolder } from "../../protocol/findInHubCache.js";
import { withFileLock } from "./withFileLock.js";

export interface HubDownloadOptions {
  /** Hub cache to write into (`HubCacheDirs.write`). */
  readonly cacheDir: string;
  /** Base URL of the hub, ending in "/" (HF_ENDPOINT). */
  readonly endpoint: string;
  readonly token: string | undefined;
  readonly onProgress?: (progress: DownloadProgress) => void;
  readonly signal?: AbortSignal | undefined;
  readonly log?: (line: string) => void;
}

interface TreeEntry {
  readonly type: string;
  readonly path: string;
  readonly oid?: string;
  readonly size?: number;
  readonly lfs?: { readonly oid?: string; readonly size?: number };
}

/**
 * Downloads the files `select` picks from a repository's file list at `revision` into the hub cache, in its layout
 * (`blobs/<oid>`, `snapshots/<commit>/<path>` linking to the blob, `refs/<revision>`), as llama.cpp and
 * huggingface_hub do, so each of them reuses what the other downloaded. Asks the hub's API for the commit
 * (`api/models/o/r/refs`) and the file list (`.../tree/<commit>`); every file is resumable, verified (size and
 * sha256 of LFS files) and reported in one progress figure over all of them. Returns the snapshot paths, in
 * `select`'s order. `undefined` when the endpoint has no API (a plain mirror of `/resolve/` URLs).
 */
export async function downloadToHubCache(
  owner: string,
  repo: string,
  revision: string,
  select: (paths: readonly string[]) => readonly string[],
  describe: string,
  options: HubDownloadOptions,
): Promise<string[] | undefined> {
  const api = `${options.endpoint}api/models/${owner}/${repo}`;
  const commit = /^[0-9a-f]{40}$/.test(revision) ? revision : await resolveRevision(api, revision, describe, options);
  if (commit === undefined) return undefined;
  const tree = await listTree(`${api}/tree/${commit}?recursive=true`, describe, options);
  const files = tree.filter((entry) => entry.type === "file");
  const wanted = select(files.map((entry) => entry.path));
  if (wanted.length === 0) {
    const ggufs = files.map((entry) => entry.path).filter((path) => path.toLowerCase().endsWith(".gguf"));
    throw new DownloadError(`${describe}: no matching GGUF file in ${owner}/${repo}${ggufs.length > 0 ? ` (it has ${ggufs.slice(0, 12).join(", ")})` : ""}`);
  }
  const entries = wanted.map((path) => files.find((entry) => entry.path === path)!);
  const repoDir = join(options.cacheDir, hubRepoFolder(owner, repo));
  const total = entries.reduce((sum, entry) => sum + (entry.lfs?.size ?? entry.size ?? 0), 0);
  let done = 0;
  const snapshots: string[] = [];
  for (const entry of entries) {
    const oid = entry.lfs?.oid ?? entry.oid;
    if (oid === undefined || !/^[0-9a-f]{40,64}$/.test(oid)) throw new DownloadError(`${describe}: the hub lists no object id for ${entry.path}`);
    const size = entry.lfs?.size ?? entry.size;
    const blob = join(repoDir, "blobs", oid);
    const url = `${options.endpoint}${owner}/${repo}/resolve/${commit}/${entry.path.split("/").map(encodeURIComponent).join("/")}`;
    await withFileLock(`${blob}.lock`, options.signal, () =>
      downloadFile(url, blob, {
        token: options.token,
        tokenAllowed: true,
        partSuffix: ".incomplete",
        signal: options.signal,
        ...(options.log !== undefined ? { log: options.log } : {}),
        onProgress: ({ downloadedBytes }) => options.onProgress?.({ downloadedBytes: done + downloadedBytes, totalBytes: total }),
        validateHead: (head) => {
          if (head.subarray(0, 4).toString("latin1") !== "GGUF") {
            throw new Error(`${entry.path} is not a GGUF model file (it starts with ${JSON.stringify(head.subarray(0, 8).toString("latin1"))})`);
          }
        },
        validateFile: (path) => verifyBlob(path, oid, size, entry.lfs !== undefined),
      }),
    );
    done += size ?? (await stat(blob)).size;
    snapshots.push(await linkSnapshot(repoDir, commit, entry.path, blob));
  }
  options.onProgress?.({ downloadedBytes: done, totalBytes: total });
  if (commit !== revision) {
    await mkdir(join(repoDir, "refs"), { recursive: true });
    await writeFile(join(repoDir, "refs", revision), commit);
  }
  return snapshots;
}

async function resolveRevision(api: string, revision: string, describe: string, options: HubDownloadOptions): Promise<string | undefined> {
  const response = await hubGet(`${api}/refs`, describe, options);
  if (response === undefined) return undefined;
  const refs = (await response.json()) as { branches?: Array<{ name?: unknown; targetCommit?: unknown }>; tags?: Array<{ name?: unknown; targetCommit?: unknown }> };
  const ref = [...(refs.branches ?? []), ...(refs.tags ?? [])].find((item) => item.name === revision);
  if (typeof ref?.targetCommit !== "string") throw new DownloadError(`${describe}: the repository has no branch or tag ${JSON.stringify(revision)}`);
  return ref.targetCommit;
}

/** The file list, following the API's pagination (`Link: <...>; rel="next"`). */
async function listTree(url: string, describe: string, options: HubDownloadOptions): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  for (let next: string | undefined = url; next !== undefined; ) {
    const response = await hubGet(next, describe, options);
    if (response === undefined) throw new DownloadError(`${describe}: the hub has no file list for this repository`);
    entries.push(...((await response.json()) as TreeEntry[]));
    next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get("link") ?? "")?.[1];
  }
  return entries;
}

/** GET with the token tried after a 401/403; undefined on 404 (no API here); DownloadError on other refusals. */
async function hubGet(url: string, describe: string, options: HubDownloadOptions): Promise<Response | undefined> {
  const init = (token: string | undefined): RequestInit => ({
    headers: { "user-agent": "llmserve", accept: "application/json", ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) },
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  let response = await fetchOrExplain(url, init(undefined), describe);
  if ((response.status === 401 || response.status === 403) && options.token !== undefined) {
    await response.body?.cancel();
    response = await fetchOrExplain(url, init(options.token), describe);
  }
  if (response.ok) return response;
  await response.body?.cancel();
  if (response.status === 404) return undefined;
  const hint =
    response.status === 401 || response.status === 403
      ? options.token === undefined
        ? ": the repository needs authentication; set HF_TOKEN"
        : ": the token from HF_TOKEN was refused"
      : "";
  throw new DownloadError(`${describe}: the hub answered ${response.status}${hint}`);
}

async function verifyBlob(path: string, oid: string, size: number | undefined, lfs: boolean): Promise<void> {
  const actual = (await stat(path)).size;
  if (size !== undefined && actual !== size) throw new Error(`it has ${actual} bytes where the hub lists ${size}`);
  // LFS object ids are the sha256 of the content; plain git objects the sha1 of "blob <size>\0<content>".
  const hash = createHash(lfs ? "sha256" : "sha1");
  if (!lfs) hash.update(`blob ${actual}\0`);
  await pipeline(createReadStream(path), hash);
  const digest = hash.digest("hex");
  if (digest !== oid) throw new Error(`its checksum ${digest} is not the hub's ${oid}`);
}

async function linkSnapshot(repoDir: string, commit: string, path: string, blob: string): Promise<string> {
  const target = join(repoDir, "snapshots", commit, ...path.split("/"));
  await mkdir(dirname(target), { recursive: true });
  try {
    await symlink(relative(dirname(target), blob), target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return target;
    // A file system without symbolic links: a copy, as huggingface_hub makes there.
    await copyFile(blob, target);
  }
  return target;
}
