import { ggufSplitInfo } from "./ggufSplitInfo.js";

/**
 * The model file(s) a repository's file list gives for a quantization tag, chosen as llama.cpp chooses them
 * (`find_best_model`, `get_split_files`), so both pick the same file from the same cache: the first GGUF (not an
 * mmproj, imatrix or draft model) whose path contains `TAG.` or `TAG-` (any case), only the first part of a split
 * model, then all of that model's parts in order. `latest` means llama.cpp's default (Q4_K_M, else Q8_0, else the
 * first model). Empty when nothing matches.
 */
export function pickGgufFiles(paths: readonly string[], quant: string): string[] {
  const models = paths.filter(isModelFile);
  const tags = quant === "latest" || quant === "" ? ["Q4_K_M", "Q8_0"] : [quant];
  let chosen: string | undefined;
  for (const tag of tags) {
    const pattern = new RegExp(`${escapeRegExp(tag)}[.-]`, "i");
    chosen = models.find((path) => pattern.test(path) && isFirstPart(path));
    if (chosen !== undefined) break;
  }
  if (chosen === undefined && tags.length > 1) chosen = models.find(isFirstPart);
  if (chosen === undefined) return [];
  const info = ggufSplitInfo(chosen)!;
  if (info.count <= 1) return [chosen];
  return models
    .filter((path) => {
      const other = ggufSplitInfo(path)!;
      return other.count === info.count && other.prefix === info.prefix;
    })
    .sort((a, b) => ggufSplitInfo(a)!.index - ggufSplitInfo(b)!.index);
}

function isModelFile(path: string): boolean {
  if (!path.toLowerCase().endsWith(".gguf")) return false;
  const name = path.slice(path.lastIndexOf("/") + 1);
  return !["mmproj", "imatrix", "mtp-", "eagle3-", "dflash-", "dspark-"].some((marker) => name.includes(marker));
}

function isFirstPart(path: string): boolean {
  const info = ggufSplitInfo(path)!;
  return info.count <= 1 || info.index === 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
