import type { GpuInfo } from "./GpuInfo.js";

/**
 * `8 x NVIDIA A100-SXM4-40GB` or `1 x NVIDIA H100 80GB HBM3, 1 x NVIDIA L4`: the GPUs grouped by name in index
 * order; `no GPU` for none.
 */
export function summarizeGpus(gpus: readonly Pick<GpuInfo, "name">[]): string {
  if (gpus.length === 0) return "no GPU";
  const counts = new Map<string, number>();
  for (const gpu of gpus) counts.set(gpu.name, (counts.get(gpu.name) ?? 0) + 1);
  return [...counts].map(([name, count]) => `${count} x ${name}`).join(", ");
}
