import { existsSync } from "node:fs";
import { basename } from "node:path";
import { ggufSplitInfo, ggufSplitPath } from "../protocol/ggufSplitInfo.js";
import { selectSplitParts } from "../protocol/selectSplitParts.js";
import { checkGgufHeader, type GgufHeaderSummary } from "./checkGgufHeader.js";
import { GgufFormatError } from "./errors/GgufFormatError.js";

/** A model's files once each has been checked: one, or every part of a split model in order. */
export interface GgufModelSummary {
  readonly parts: readonly { readonly path: string; readonly header: GgufHeaderSummary }[];
  /** Bytes over all parts. */
  readonly totalBytes: number;
  readonly tensorCount: number;
}

/**
 * Checks a model the way llama.cpp will load it from `path`: the file's header against its size
 * (`checkGgufHeader`), and for a split model (`split.count` > 1 in its metadata, as llama.cpp's gguf-split writes
 * it) that `path` is the first part, named `PREFIX-00001-of-0000N.gguf` so the others are found beside it, that
 * every other part is there with a sound header and its own `split.no`, and that the parts hold the
 * `split.tensors.count` tensors the first one promises. Throws `GgufFormatError` naming the file and the problem.
 */
export async function checkGgufModel(path: string): Promise<GgufModelSummary> {
  const header = await checkGgufHeader(path);
  const count = header.split?.count ?? 0;
  if (count <= 1) return { parts: [{ path, header }], totalBytes: header.fileSize, tensorCount: header.tensorCount };

  const no = header.split?.no;
  const info = ggufSplitInfo(path);
  if (no === undefined) throw new GgufFormatError(path, `it says it is one of ${count} split parts but has no "split.no"`);
  if (no !== 0) {
    const first = basename(ggufSplitPath(info?.prefix ?? path, 1, count));
    throw new GgufFormatError(path, `it is part ${no + 1} of ${count} of a split model: load the first part (${first})`);
  }
  if (info === undefined || info.index !== 1 || info.count !== count) {
    throw new GgufFormatError(
      path,
      `it is the first of ${count} split parts, but its name does not end in ${ggufSplitPath("", 1, count)}, which llama.cpp needs to find the others`,
    );
  }
  const parts = [{ path, header }];
  for (const [index, partPath] of selectSplitParts(path)([]).entries()) {
    if (index === 0) continue;
    if (!existsSync(partPath)) throw new GgufFormatError(path, `part ${index + 1} of ${count} is missing: ${partPath}`);
    const part = await checkGgufHeader(partPath);
    if (part.split?.no !== index) {
      const found = part.split?.no === undefined ? `no "split.no"` : `"split.no" ${part.split.no}`;
      throw new GgufFormatError(partPath, `as part ${index + 1} of ${count} it should have "split.no" ${index}, found ${found}`);
    }
    parts.push({ path: partPath, header: part });
  }
  const tensorCount = parts.reduce((sum, part) => sum + part.header.tensorCount, 0);
  const expected = header.split?.tensorsCount;
  if (expected === undefined) throw new GgufFormatError(path, `it is the first of ${count} split parts but has no "split.tensors.count"`);
  if (expected !== tensorCount) {
    throw new GgufFormatError(path, `"split.tensors.count" is ${expected}, but its ${count} parts hold ${tensorCount} tensors`);
  }
  return { parts, totalBytes: parts.reduce((sum, part) => sum + part.header.fileSize, 0), tensorCount };
}
