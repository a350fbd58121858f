/**
 * Which engine path a replica runs, as `status` shows it: llmserve's native generation loop or node-llama-cpp's
 * stock loop; llama.cpp's CPU kernels compiled on this machine or node-llama-cpp's generic prebuilt ones; the backend;
 * where the weights sit in host memory.
 */
export interface EnginePath {
  readonly generation: "native" | "stock";
  readonly cpuKernels: "local" | "prebuilt";
  readonly backend: "cuda" | "vulkan" | "metal" | "cpu";
  /**
   * The host copy of the weights:
   * - `huge-pages`: copied into memory that the kernel backs with transparent huge pages (measured after the load);
   * - `copied`: copied, but the huge pages did not come (memory too fragmented, say);
   * - `mapped`: the model file mapped (llama.cpp's default; shared with other processes mapping it).
   */
  readonly weights: EngineWeights;
  /** What makes this replica slower than it could be and how to fix it; empty when nothing does. */
  readonly warnings: readonly string[];
}

export type EngineWeights = "huge-pages" | "copied" | "mapped";

const WEIGHTS_TEXT: Readonly<Record<EngineWeights, string>> = {
  "huge-pages": "weights in huge pages",
  copied: "weights copied",
  mapped: "weights mapped",
};

/** "native loop, local CPU kernels, CPU, weights in huge pages" (the weights only for a CPU replica). */
export function describeEnginePath(path: EnginePath): string {
  const backend = path.backend === "cpu" ? "CPU" : path.backend === "cuda" ? "CUDA" : path.backend === "vulkan" ? "Vulkan" : "Metal";
  const weights = path.backend === "cpu" ? `, ${WEIGHTS_TEXT[path.weights]}` : "";
  return `${path.generation === "native" ? "native loop" : "stock loop"}, ${path.cpuKernels} CPU kernels, ${backend}${weights}`;
}
