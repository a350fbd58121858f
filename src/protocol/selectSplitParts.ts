import { ggufSplitInfo, ggufSplitPath } from "./ggufSplitInfo.js";

/**
 * For a file list, the parts of `file`: itself, or every part of `name-00001-of-00003.gguf`; none when a part is
 * missing from a non-empty list. Called with [] it names the parts a split file must have.
 */
export function selectSplitParts(file: string): (paths: readonly string[]) => string[] {
  const info = ggufSplitInfo(file);
  const parts =
    info === undefined || info.count <= 1
      ? [file]
      : Array.from({ length: info.count }, (_, index) => ggufSplitPath(info.prefix, index + 1, info.count));
  return (paths) => (paths.length === 0 || parts.every((part) => paths.includes(part)) ? parts : []);
}
