import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CpuKernelsIdentity } from "./cpuKernelsIdentity.js";

export interface LocalBuildAssembly {
  /** The CPU backend library ggml is to load (`libggml-cpu.so` in the folder). */
  readonly library: string;
  /** The local-build folder (`localBuildDirFor(..., cmakeOptions)`). */
  readonly dir: string;
  /** The options node-llama-cpp is asked for when it is to load this folder (recorded in its build metadata). */
  readonly cmakeOptions: Readonly<Record<string, string>>;
  /** Files written into `Release/` beside the libraries (name to JSON content): who made the folder and why. */
  readonly markers: Readonly<Record<string, unknown>>;
}

/**
 * Assembles a node-llama-cpp local-build folder from its own prebuilt addon and libraries, with `library` in place
 * of the generic `libggml-cpu-<variant>.so` files, so ggml finds no variant and loads `libggml-cpu.so`. Built
 * beside the target and renamed into place, replacing what was there: a `getLlama` never sees half a folder.
 */
export async function assembleLocalBuild(identity: CpuKernelsIdentity, assembly: LocalBuildAssembly): Promise<void> {
  const staging = `${assembly.dir}.llmserve-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    const release = join(staging, "Release");
    await mkdir(release, { recursive: true });
    for (const name of await readdir(identity.prebuiltDir)) {
      if (name.startsWith("libggml-cpu-")) continue;
      await copyFile(join(identity.prebuiltDir, name), join(release, name));
    }
    await copyFile(assembly.library, join(release, "libggml-cpu.so"));
    const metadata = JSON.parse(await readFile(join(identity.prebuiltDir, "_nlcBuildMetadata.json"), "utf8")) as {
      buildOptions: { customCmakeOptions: Record<string, string> };
    };
    metadata.buildOptions.customCmakeOptions = { ...assembly.cmakeOptions };
    await writeFile(join(release, "_nlcBuildMetadata.json"), JSON.stringify(metadata));
    for (const [name, content] of Object.entries(assembly.markers)) {
      await writeFile(join(release, name), `${JSON.stringify(content, null, 2)}\n`);
    }
    await writeFile(join(staging, "buildDone.status"), "");
    await removeLocalBuild(assembly.dir);
    await rename(staging, assembly.dir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Removes a local-build folder: renamed aside first, so a `getLlama` looking at that moment finds either the whole
 * folder or none (and loads the prebuilt binaries).
 */
export async function removeLocalBuild(dir: string): Promise<void> {
  const aside = `${dir}.removing-${process.pid}`;
  try {
    await rename(dir, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  await rm(aside, { recursive: true, force: true });
}
