import { findAcceleratorType } from "./knownAcceleratorTypes.js";

const GIB = 1024 ** 3;
const BRAND_TOKENS = new Set(["NVIDIA", "GEFORCE", "TESLA", "QUADRO"]);
/** Tokens that make a different card when they follow the model: an RTX 4070 is not an RTX 4070 Ti. */
const VARIANT_TOKENS = new Set(["TI", "SUPER", "D", "ADA", "X"]);
/** Cards that are one chip under two names (Ray itself folds A10 into A10G). */
const SAME_CARD: Record<string, readonly string[]> = { A10: ["A10", "A10G"], A10G: ["A10", "A10G"] };
/** How far nvidia-smi's total may be from the size in the type when the name has no size (A100 40GB: 40 536 MiB). */
const MEMORY_TOLERANCE = 0.15;

/**
 * Whether a GPU named `gpuName` (as nvidia-smi prints it) is of accelerator_type `type` (as a user writes it).
 * `A100` matches every A100; `A100-40G` only a 40 GB one (from the name, else from `memoryTotalBytes`); `H100`
 * matches `NVIDIA H100 80GB HBM3`, `H100 PCIe` and `H100 NVL`; `A10G` and `A10` match each other; `L4` never
 * matches an L40S, nor `RTX-4070` an RTX 4070 Ti. `CPU`, Ray-only and unknown types match no GPU.
 */
export function matchesAcceleratorType(type: string, gpuName: string, memoryTotalBytes?: number): boolean {
  const info = findAcceleratorType(type);
  if (info === undefined || info.kind !== "nvidia") return false;
  const wanted = info.name.toUpperCase().split("-");
  const wantedGb = parseSize(wanted[wanted.length - 1], /^(\d+)G$/);
  const model = wantedGb === undefined ? wanted : wanted.slice(0, -1);
  const nameTokens = gpuName
    .toUpperCase()
    .split(/[\s_/-]+/)
    .filter((token) => token !== "" && !BRAND_TOKENS.has(token));
  if (!containsModel(nameTokens, model)) return false;
  if (wantedGb === undefined) return true;
  const nameGb = nameTokens.map((token) => parseSize(token, /^(\d+)GB?$/)).find((gb) => gb !== undefined);
  if (nameGb !== undefined) return nameGb === wantedGb;
  if (memoryTotalBytes === undefined) return false;
  return Math.abs(memoryTotalBytes / GIB - wantedGb) <= wantedGb * MEMORY_TOLERANCE;
}

function containsModel(nameTokens: readonly string[], model: readonly string[]): boolean {
  for (let start = 0; start + model.length <= nameTokens.length; start++) {
    const matches = model.every((token, offset) => sameToken(token, nameTokens[start + offset] ?? ""));
    const next = nameTokens[start + model.length];
    if (matches && (next === undefined || !VARIANT_TOKENS.has(next))) return true;
  }
  return false;
}

function sameToken(wanted: string, actual: string): boolean {
  return wanted === actual || (SAME_CARD[wanted]?.includes(actual) ?? false);
}

function parseSize(token: string | undefined, pattern: RegExp): number | undefined {
  const match = token === undefined ? null : pattern.exec(token);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
