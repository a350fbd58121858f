import { existsSync } from "node:fs";
import { join } from "node:path";
import { acquireLockFile } from "../../../process/acquireLockFile.js";
import { buildCpuKernels } from "./buildCpuKernels.js";
import { cpuKernelsIdentity, type CpuKernelsIdentity } from "./cpuKernelsIdentity.js";
import { installCpuKernels, localBuildState } from "./installCpuKernels.js";

export interface CpuKernelsBuildOptions {
  /** `$LLMSERVE_HOME`: builds live in `llama/<key>/` under it. */
  readonly home: string;
  readonly log: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

export type CpuKernelsBuildOutcome =
  | { readonly kind: "installed"; readonly library: string }
  | { readonly kind: "busy"; readonly reason: string }
  | { readonly kind: "not-applicable"; readonly reason: string }
  | { readonly kind: "failed"; readonly reason: string };

/** The tools the build needs, as one sentence for the log and `llmserve doctor`. */
export const CPU_KERNELS_TOOLS = "a C++ compiler, cmake and git (Debian/Ubuntu: sudo apt-get install g++ cmake git)";

/**
 * Makes sure CPU kernels compiled for this machine are in place for the next replica start: reuses a build cached
 * under `$LLMSERVE_HOME/llama/<key>/`, else compiles one (`buildCpuKernels`, ~1-3 minutes on 2 cores, at the lowest
 * priority) while the caller keeps serving with the prebuilt kernels. One build per key at a time (`acquireLockFile`,
 * the project's one lock; a replica that finds it held by a live process returns `busy`). `LLMSERVE_CPU_KERNELS=prebuilt` switches it off.
 * Never throws.
 */
export async function ensureCpuKernels(options: CpuKernelsBuildOptions): Promise<CpuKernelsBuildOutcome> {
  const env = options.env ?? process.env;
  if (env["LLMSERVE_CPU_KERNELS"] === "prebuilt") return { kind: "not-applicable", reason: "LLMSERVE_CPU_KERNELS=prebuilt" };
  let identity: CpuKernelsIdentity | undefined;
  try {
    identity = await cpuKernelsIdentity(env);
  } catch (error) {
    return { kind: "failed", reason: messageOf(error) };
  }
  if (identity === undefined) {
    return { kind: "not-applicable", reason: "only for node-llama-cpp's Linux x64 prebuilt binaries without custom CMake options" };
  }
  if (localBuildState(identity) !== "none") return { kind: "not-applicable", reason: "a local llama.cpp build is already in place" };
  const workDir = join(options.home, "llama", identity.key);
  const library = join(workDir, "libggml-cpu.so");
  try {
    if (!existsSync(join(workDir, "cpuKernels.json"))) {
      if (!identity.tools.compiler || !identity.tools.cmake) {
        return { kind: "failed", reason: `the CPU kernels cannot be compiled here: they need ${CPU_KERNELS_TOOLS}` };
      }
      const attempt = acquireLockFile(`${workDir}.lock`);
      if (!attempt.acquired) return { kind: "busy", reason: "another replica is compiling them" };
      try {
        await buildCpuKernels(identity, workDir, options.log);
      } finally {
        attempt.lock.release();
      }
    }
    await installCpuKernels(identity, library);
    return { kind: "installed", library };
  } catch (error) {
    return { kind: "failed", reason: messageOf(error) };
  }
}

function messageOf(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  const detail = typeof stderr === "string" ? stderr.split("\n").find((line) => /error/i.test(line)) : undefined;
  return detail ?? (error instanceof Error ? error.message.split("\n")[0] ?? error.message : String(error));
}
