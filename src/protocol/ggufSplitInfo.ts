/** A GGUF file name's split parts, as llama.cpp reads them (`get_gguf_split_info`). */
export interface GgufSplitInfo {
  /** The path without `.gguf` and without `-0000i-of-0000n`. */
  readonly prefix: string;
  /** 1-based part number and part count (1 and 1 for a single file). */
  readonly index: number;
  readonly count: number;
}

const SPLIT = /^(.+)-([0-9]{5})-of-([0-9]{5})$/i;

/** undefined for a name that does not end in `.gguf`. */
export function ggufSplitInfo(path: string): GgufSplitInfo | undefined {
  if (!path.toLowerCase().endsWith(".gguf")) return undefined;
  let prefix = path.slice(0, -".gguf".length);
  let index = 1;
  let count = 1;
  const split = SPLIT.exec(prefix);
  if (split !== null) {
    prefix = split[1]!;
    index = Number(split[2]);
    count = Number(split[3]);
  }
  return { prefix, index, count };
}

/** The path of part `index` (1-based) of `count` (`llama_split_path`): `PREFIX-00002-of-00003.gguf`. */
export function ggufSplitPath(prefix: string, index: number, count: number): string {
  return `${prefix}-${String(index).padStart(5, "0")}-of-${String(count).padStart(5, "0")}.gguf`;
}
