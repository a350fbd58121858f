import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LLAMA_CPP_BUILD_OPTIONS } from "../llamaCppBuildOptions.js";
import { assembleLocalBuild, removeLocalBuild } from "./assembleLocalBuild.js";
import type { CpuKernelsIdentity } from "./cpuKernelsIdentity.js";

/** Marker llmserve leaves in a local-build folder it assembled (and only then replaces or removes it). */
export const CPU_KERNELS_MARKER = "llmserve-cpu-kernels.json";

/** What the local-build folder node-llama-cpp will load holds. */
export type LocalBuildState = "none" | "llmserve-cpu-kernels" | "node-llama-cpp-build";

export function localBuildState(identity: CpuKernelsIdentity): LocalBuildState {
  if (!existsSync(join(identity.localBuildDir, "buildDone.status"))) return "none";
  if (!existsSync(join(identity.localBuildDir, "Release", CPU_KERNELS_MARKER))) return "node-llama-cpp-build";
  try {
    const marker = JSON.parse(readFileSync(join(identity.localBuildDir, "Release", CPU_KERNELS_MARKER), "utf8")) as { key?: unknown };
    return marker.key === identity.key ? "llmserve-cpu-kernels" : "none";
  } catch {
    return "none";
  }
}

/**
 * Makes the CPU kernels built for this machine the ones node-llama-cpp loads: assembles them (`assembleLocalBuild`)
 * in the local-build folder it looks for first (`CpuKernelsIdentity.localBuildDir`), with llmserve's marker. A
 * folder made by a real local build (`npm run build:llama`) is left alone. Takes effect at the next `getLlama` (the
 * next replica start).
 */
export async function installCpuKernels(identity: CpuKernelsIdentity, library: string): Promise<void> {
  if (localBuildState(identity) === "node-llama-cpp-build") return;
  await assembleLocalBuild(identity, {
    library,
    dir: identity.localBuildDir,
    cmakeOptions: LLAMA_CPP_BUILD_OPTIONS,
    markers: { [CPU_KERNELS_MARKER]: { key: identity.key, library } },
  });
}

/**
 * Takes back CPU kernels llmserve installed (its marker is there, whatever build key it names), so replicas started
 * from now on load the prebuilt ones; a folder made by a real local build is left alone. True when one was removed.
 */
export async function uninstallCpuKernels(identity: CpuKernelsIdentity): Promise<boolean> {
  if (!existsSync(join(identity.localBuildDir, "Release", CPU_KERNELS_MARKER))) return false;
  await removeLocalBuild(identity.localBuildDir);
  return true;
}
