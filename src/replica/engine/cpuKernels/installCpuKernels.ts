import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LLAMA_CPP_BUILD_OPTIONS } from "../llamaCppBuildOptions.js";
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
 * Makes the CPU kernels built for this machine the ones node-llama-cpp loads: assembles, in the local-build folder
 * it looks for first (`CpuKernelsIdentity.localBuildDir`), its own prebuilt addon and libraries with `library` in
 * place of the generic `libggml-cpu-<variant>.so` files, so ggml loads `libggml-cpu.so`. A folder made by a real
 * local build (`npm run build:llama`) is left alone. Takes effect at the next `getLlama` (the next replica start).
 */
export async function installCpuKernels(identity: CpuKernelsIdentity, library: string): Promise<void> {
  if (localBuildState(identity) === "node-llama-cpp-build") return;
  const staging = `${identity.localBuildDir}.llmserve-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const release = join(staging, "Release");
  await mkdir(release, { recursive: true });
  for (const name of await readdir(identity.prebuiltDir)) {
    if (name.startsWith("libggml-cpu-")) continue;
    await copyFile(join(identity.prebuiltDir, name), join(release, name));
  }
  await copyFile(library, join(release, "libggml-cpu.so"));
  const metadata = JSON.parse(await readFile(join(identity.prebuiltDir, "_nlcBuildMetadata.json"), "utf8")) as {
    buildOptions: { customCmakeOptions: Record<string, string> };
  };
  metadata.buildOptions.customCmakeOptions = { ...LLAMA_CPP_BUILD_OPTIONS };
  await writeFile(join(release, "_nlcBuildMetadata.json"), JSON.stringify(metadata));
  await writeFile(join(release, CPU_KERNELS_MARKER), `${JSON.stringify({ key: identity.key, library }, null, 2)}\n`);
  await writeFile(join(staging, "buildDone.status"), "");
  await rm(identity.localBuildDir, { recursive: true, force: true });
  await rename(staging, identity.localBuildDir);
}
