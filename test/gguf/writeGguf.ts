import { closeSync, openSync, writeSync } from "node:fs";
import { ggufChunks } from "./ggufChunks.js";
import type { GgufFileSpec } from "./GgufFileSpec.js";

/**
 * Writes a GGUF v3 file to `path`, streaming tensor data chunk by chunk (tensors given as chunk functions are
 * never held in memory whole). Returns the file size. Not atomic: write to a temporary name and rename.
 */
export function writeGguf(path: string, spec: GgufFileSpec): number {
  const fd = openSync(path, "w");
  let size = 0;
  try {
    for (const chunk of ggufChunks(spec)) {
      let done = 0;
      while (done < chunk.length) done += writeSync(fd, chunk, done, chunk.length - done);
      size += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  return size;
}

/** The whole GGUF file in memory (for small models). */
export function encodeGguf(spec: GgufFileSpec): Buffer {
  return Buffer.concat([...ggufChunks(spec)]);
}
