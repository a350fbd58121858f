import { existsSync } from "node:fs";
import { mkdir, open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
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
 * priority) while the caller keeps serving with the prebuilt kernels. One build per key at a time (a lock file
 * with our pid; a replica that finds it held returns `busy`). `LLMSERVE_CPU_KERNELS=prebuilt` switches it off.
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
      const release = await tryLock(`${workDir}.lock`);
      if (release === undefined) return { kind: "busy", reason: "another replica is compiling them" };
      try {
        await buildCpuKernels(identity, workDir, options.log);
      } finally {
        await release();
      }
    }
    await installCpuKernels(identity, library);
    return { kind: "installed", library };
  } catch (error) {
    return { kind: "failed", reason: messageOf(error) };
  }
}

/** O_EXCL lock file holding our pid; undefined when a live process holds it. */
async function tryLock(lockPath: string): Promise<(() => Promise<void>) | undefined> {
  await mkdir(join(lockPath, ".."), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number((await readFile(lockPath, "utf8").catch(() => "")).trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return undefined;
      await rm(lockPath, { force: true });
    }
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function messageOf(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  const detail = typeof stderr === "string" ? stderr.split("\n").find((line) => /error/i.test(line)) : undefined;
  return detail ?? (error instanceof Error ? error.message.split("\n")[0] ?? error.message : String(error));
}
