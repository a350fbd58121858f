import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ggufChunks } from "../gguf/ggufChunks.js";
import type { GgufFileSpec } from "../gguf/GgufFileSpec.js";
import { writeGguf } from "../gguf/writeGguf.js";
import { testModelCacheDir } from "./testModelCacheDir.js";

export interface EnsureModelOptions {
  /** Cache directory; defaults to `testModelCacheDir()`. */
  readonly cacheDir?: string;
}

/** Writes `bytes` to `path` through a unique temporary file and a rename, so readers never see half a file. */
function writeAtomically(path: string, write: (temporaryPath: string) => void): void {
  const temporaryPath = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    write(temporaryPath);
    renameSync(temporaryPath, path);
  } finally {
    rmSync(temporaryPath, { force: true });
  }
}

/**
 * A small model cached by the hash of its bytes: the spec is encoded in memory (milliseconds), and the file
 * `<cacheDir>/<name>-<sha256 prefix>.gguf` is written only when it is not there yet. Returns the path.
 */
export function ensureCachedGguf(name: string, spec: GgufFileSpec, options: EnsureModelOptions = {}): string {
  const chunks = [...ggufChunks(spec)];
  const hash = createHash("sha256");
  for (const chunk of chunks) hash.update(chunk);
  const dir = options.cacheDir ?? testModelCacheDir();
  const path = join(dir, `${name}-${hash.digest("hex").slice(0, 16)}.gguf`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  writeAtomically(path, (temporaryPath) => writeFileSync(temporaryPath, Buffer.concat(chunks)));
  return path;
}

/**
 * A large model cached by the hash of its recipe (shape, seed, generator version): generated, streamed to
 * disk, only when `<cacheDir>/<name>-<recipe hash>.gguf` is missing. Returns the path.
 */
export function ensureCachedLargeGguf(name: string, recipe: unknown, makeSpec: () => GgufFileSpec, options: EnsureModelOptions = {}): string {
  const hash = createHash("sha256").update(JSON.stringify(recipe)).digest("hex").slice(0, 16);
  const dir = options.cacheDir ?? testModelCacheDir();
  const path = join(dir, `${name}-${hash}.gguf`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  writeAtomically(path, (temporaryPath) => writeGguf(temporaryPath, makeSpec()));
  return path;
}
