import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** `models--owner--repo`, the hub cache's folder of a repository. */
export function hubRepoFolder(owner: string, repo: string): string {
  return `models--${owner}--${repo}`;
}

/**
 * Looks for a repository's files in hub caches without any request: the snapshot of `revision` (a commit, or a
 * branch/tag name resolved through `refs/<name>`), whose file list `select` turns into the wanted paths. Returns
 * their absolute paths (in `select`'s order) from the first cache that has every one of them, else undefined.
 */
export function findInHubCache(
  cacheDirs: readonly string[],
  owner: string,
  repo: string,
  revision: string,
  select: (paths: readonly string[]) => readonly string[],
): string[] | undefined {
  for (const cacheDir of cacheDirs) {
    const repoDir = join(cacheDir, hubRepoFolder(owner, repo));
    const commit = /^[0-9a-f]{40}$/.test(revision) ? revision : readRef(repoDir, revision);
    if (commit === undefined) continue;
    const snapshot = join(repoDir, "snapshots", commit);
    const paths = listFiles(snapshot).map((path) => relative(snapshot, path).split("\\").join("/"));
    const wanted = select(paths);
    if (wanted.length > 0 && wanted.every((path) => existsSync(join(snapshot, path)))) return wanted.map((path) => join(snapshot, path));
  }
  return undefined;
}

function readRef(repoDir: string, name: string): string | undefined {
  try {
    const commit = readFileSync(join(repoDir, "refs", name), "utf8").trim();
    return /^[0-9a-f]{40}$/.test(commit) ? commit : undefined;
  } catch {
    return undefined;
  }
}

function listFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    try {
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    } catch {
      return []; // a dangling link: its blob is gone
    }
  });
}
