/** What decides how a replica's weights are loaded; gathered by `readWeightsHost` (effects) for this pure choice. */
export interface WeightsLoadingFacts {
  /** The backend node-llama-cpp chose; only a CPU replica computes from host memory. */
  readonly backend: "cpu" | "cuda" | "vulkan" | "metal";
  /** `/sys/kernel/mm/transparent_hugepage/enabled`; undefined where there is none (not Linux). */
  readonly transparentHugePages: "always" | "madvise" | "never" | undefined;
  /** `GLIBC_TUNABLES` asks malloc for huge pages (`hugePagesRequested`). */
  readonly mallocHugePages: boolean;
  /** Every part of the model file together. */
  readonly modelBytes: number;
  /** Memory this process may still take: MemAvailable, lowered to the cgroup's limit when it has one. */
  readonly availableBytes: number;
}

/**
 * Below this a copy is not worth its memory: a few 2 MiB pages, part of them lost to alignment, and a model this
 * small costs little to decode either way.
 */
const SMALL_MODEL_BYTES = 32 * 2 ** 20;

export interface WeightsLoading {
  /** false: read the weights into this process's own memory; true: map the model file. */
  readonly useMmap: boolean;
  readonly why: string;
}

/**
 * A private copy of the model's weights is worth having only on the CPU and only where that copy lands in
 * transparent huge pages: decoding on the CPU reads every weight per token, and with 4 KiB pages of a mapped file
 * the TLB misses cost 15-20% of the tokens (bench/README.md, "Weights in huge pages"). The copy is not shared
 * between replicas the way a mapped file is, so it is taken only while the model is at most half of what memory is
 * still available; otherwise the file stays mapped (llama.cpp's default).
 */
export function chooseWeightsLoading(facts: WeightsLoadingFacts): WeightsLoading {
  if (facts.backend !== "cpu") return { useMmap: true, why: "the weights are offloaded to the GPU" };
  if (facts.modelBytes < SMALL_MODEL_BYTES) return { useMmap: true, why: `the model is under ${mib(SMALL_MODEL_BYTES)}, too small for huge pages to pay` };
  const hugePages =
    facts.transparentHugePages === "always" || (facts.transparentHugePages === "madvise" && facts.mallocHugePages);
  if (!hugePages) {
    return {
      useMmap: true,
      why:
        facts.transparentHugePages === undefined || facts.transparentHugePages === "never"
          ? "transparent huge pages are off on this machine"
          : "this process was started without GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (the controller sets it)",
    };
  }
  if (facts.modelBytes > facts.availableBytes / 2) {
    return { useMmap: true, why: `the model (${mib(facts.modelBytes)}) is over half of the memory available (${mib(facts.availableBytes)})` };
  }
  return { useMmap: false, why: "CPU weights in transparent huge pages" };
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}
