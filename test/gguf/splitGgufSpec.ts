import type { GgufFileSpec } from "./GgufFileSpec.js";
import { gguf } from "./GgufMetadataValue.js";
import { ggmlTypeSize, ggufElementCount, type GgufTensor } from "./GgufTensor.js";

export interface SplitGgufOptions {
  /** Number of part files (1..65535). */
  readonly parts: number;
  /** The first part holds the metadata and no tensors (`gguf-split --no-tensor-first-split`). */
  readonly metadataOnlyFirstPart?: boolean;
}

/**
 * A model as llama.cpp's `gguf-split` writes it: every part a valid GGUF, the first holding all the model's
 * metadata, every part `split.no` (u16, 0-based), `split.count` (u16) and `split.tensors.count` (i32, over all
 * parts); the tensors in their order, cut into contiguous runs of about equal bytes, none empty (but the first
 * with `metadataOnlyFirstPart`). Name the files with `ggufSplitPartName`.
 */
export function splitGgufSpec(spec: GgufFileSpec, options: SplitGgufOptions): GgufFileSpec[] {
  const { parts } = options;
  const first = options.metadataOnlyFirstPart === true ? 1 : 0;
  const tensorParts = parts - first;
  if (!Number.isInteger(parts) || parts < 1 || parts > 0xffff) throw new RangeError(`a split GGUF has 1..65535 parts (got ${parts})`);
  if (tensorParts < 1 || tensorParts > spec.tensors.length) {
    throw new RangeError(`${spec.tensors.length} tensors cannot fill ${tensorParts} parts`);
  }
  const runs = contiguousRuns(spec.tensors, tensorParts);
  const split = (index: number) => ({
    "split.no": { type: "uint16", value: index },
    "split.count": { type: "uint16", value: parts },
    "split.tensors.count": gguf.i32(spec.tensors.length),
  } as const);
  return Array.from({ length: parts }, (_, index) => ({
    metadata: index === 0 ? { ...spec.metadata, ...split(index) } : split(index),
    tensors: index < first ? [] : runs[index - first]!,
    ...(spec.alignment !== undefined ? { alignment: spec.alignment } : {}),
  }));
}

/** `PREFIX-00002-of-00003.gguf` for index 1 of 3 (llama.cpp's `llama_split_path`). */
export function ggufSplitPartName(prefix: string, index: number, count: number): string {
  return `${prefix}-${String(index + 1).padStart(5, "0")}-of-${String(count).padStart(5, "0")}.gguf`;
}

/** Cuts the tensors into `count` non-empty runs in order, each closing once it reaches its share of the bytes. */
function contiguousRuns(tensors: readonly GgufTensor[], count: number): GgufTensor[][] {
  const sizes = tensors.map((tensor) => ggufElementCount(tensor.shape) * ggmlTypeSize[tensor.type]);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const runs: GgufTensor[][] = [[]];
  let bytes = 0;
  tensors.forEach((tensor, index) => {
    const run = runs.at(-1)!;
    run.push(tensor);
    bytes += sizes[index]!;
    const left = tensors.length - index - 1;
    const runsToOpen = count - runs.length;
    if (runsToOpen > 0 && (left === runsToOpen || bytes >= (total * runs.length) / count)) runs.push([]);
  });
  return runs;
}
