import { createHash } from "node:crypto";
import { startFileServer, type FileServer, type FileServerOptions } from "./startFileServer.js";

export interface HubRepo {
  /** The commit `main` points at (40 hex digits). */
  readonly commit: string;
  /** Path in the repository → content; every file is served as an LFS file (oid = sha256). */
  readonly files: Readonly<Record<string, Buffer>>;
}

/**
 * A local stand-in for the Hugging Face hub's API as llama.cpp and llmserve call it: `GET /api/models/o/r/refs`,
 * `GET /api/models/o/r/tree/<commit>?recursive=true` (LFS entries with sha256 oids and sizes) and the files at
 * `/o/r/resolve/<commit>/<path>`, with the file server's Range, auth and dropped-connection options.
 */
export function startHubServer(repos: Readonly<Record<string, HubRepo>>, options: Omit<FileServerOptions, "files" | "routes"> = {}): Promise<FileServer> {
  const files: Record<string, Buffer> = {};
  const routes: Record<string, NonNullable<FileServerOptions["routes"]>[string]> = {};
  for (const [id, repo] of Object.entries(repos)) {
    for (const [path, content] of Object.entries(repo.files)) files[`/${id}/resolve/${repo.commit}/${path}`] = content;
    routes[`/api/models/${id}/refs`] = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ branches: [{ name: "main", ref: "refs/heads/main", targetCommit: repo.commit }], tags: [] }));
    };
    routes[`/api/models/${id}/tree/${repo.commit}`] = (_req, res) => {
      const tree = Object.entries(repo.files).map(([path, content]) => ({
        type: "file",
        path,
        oid: createHash("sha1").update(path).digest("hex"),
        size: content.length,
        lfs: { oid: createHash("sha256").update(content).digest("hex"), size: content.length, pointerSize: 134 },
      }));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify([{ type: "directory", path: "docs" }, ...tree]));
    };
  }
  return startFileServer({ ...options, files, routes });
}
