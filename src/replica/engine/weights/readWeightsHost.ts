import { readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { ggufSplitInfo, ggufSplitPath } from "../../../protocol/ggufSplitInfo.js";
import type { WeightsLoadingFacts } from "./chooseWeightsLoading.js";
import { hugePagesRequested } from "./hugePageTunables.js";

/** The host side of `WeightsLoadingFacts`: sysfs, /proc/meminfo, the cgroup and the model's file sizes. */
export async function readWeightsHost(modelPath: string, env: NodeJS.ProcessEnv = process.env): Promise<Omit<WeightsLoadingFacts, "backend">> {
  return {
    transparentHugePages: transparentHugePagesMode(),
    mallocHugePages: hugePagesRequested(env["GLIBC_TUNABLES"]),
    modelBytes: await modelFileBytes(modelPath),
    availableBytes: availableMemoryBytes(),
  };
}

/** `AnonHugePages` of this process (/proc/self/smaps_rollup), in bytes; 0 where it cannot be read. */
export function anonymousHugePageBytes(): number {
  const kib = /^AnonHugePages:\s+(\d+) kB$/m.exec(readText("/proc/self/smaps_rollup") ?? "")?.[1];
  return kib === undefined ? 0 : Number(kib) * 1024;
}

/** The transparent-huge-page mode in force (/sys/kernel/mm/transparent_hugepage/enabled); undefined off Linux. */
export function transparentHugePagesMode(): WeightsLoadingFacts["transparentHugePages"] {
  // "always [madvise] never": the bracketed one is in force
  const selected = /\[(\w+)\]/.exec(readText("/sys/kernel/mm/transparent_hugepage/enabled") ?? "")?.[1];
  return selected === "always" || selected === "madvise" || selected === "never" ? selected : undefined;
}

async function modelFileBytes(modelPath: string): Promise<number> {
  const split = ggufSplitInfo(modelPath);
  const parts = split === undefined || split.count === 1 ? [modelPath] : Array.from({ length: split.count }, (_, i) => ggufSplitPath(split.prefix, i + 1, split.count));
  const sizes = await Promise.all(parts.map(async (part) => (await stat(part)).size));
  return sizes.reduce((sum, size) => sum + size, 0);
}

function availableMemoryBytes(): number {
  const kib = /^MemAvailable:\s+(\d+) kB$/m.exec(readText("/proc/meminfo") ?? "")?.[1];
  const available = kib === undefined ? 0 : Number(kib) * 1024;
  const limit = Number(readText("/sys/fs/cgroup/memory.max")?.trim());
  const used = Number(readText("/sys/fs/cgroup/memory.current")?.trim());
  return Number.isFinite(limit) && Number.isFinite(used) ? Math.min(available, Math.max(0, limit - used)) : available;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
