/**
 * Which engine path a replica runs, as `status` shows it: llmserve's native generation loop or node-llama-cpp's
 * stock loop; llama.cpp's CPU kernels compiled on this machine or node-llama-cpp's generic prebuilt ones; the backend.
 */
export interface EnginePath {
  readonly generation: "native" | "stock";
  readonly cpuKernels: "local" | "prebuilt";
  readonly backend: "cuda" | "vulkan" | "metal" | "cpu";
  /** What makes this replica slower than it could be and how to fix it; empty when nothing does. */
  readonly warnings: readonly string[];
}

/** "native loop, local CPU kernels, CPU" */
export function describeEnginePath(path: EnginePath): string {
  const backend = path.backend === "cpu" ? "CPU" : path.backend === "cuda" ? "CUDA" : path.backend === "vulkan" ? "Vulkan" : "Metal";
  return `${path.generation === "native" ? "native loop" : "stock loop"}, ${path.cpuKernels} CPU kernels, ${backend}`;
}
