import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireLockFile } from "../../../../src/process/acquireLockFile.js";
import { cpuKernelsIdentity } from "../../../../src/replica/engine/cpuKernels/cpuKernelsIdentity.js";
import { ensureCpuKernels } from "../../../../src/replica/engine/cpuKernels/ensureCpuKernels.js";

const env = { ...process.env, LLMSERVE_CPU_KERNELS: "" };
const identity = await cpuKernelsIdentity(env);
// Only where a build could start: node-llama-cpp's Linux x64 prebuilt binaries, a compiler and cmake.
const buildable = identity !== undefined && identity.tools.compiler && identity.tools.cmake;

describe("ensureCpuKernels", () => {
  const homes: string[] = [];
  afterEach(() => {
    for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
  });

  it.skipIf(!buildable)("should leave the build to the live process that holds its lock, and say so", async () => {
    const home = mkdtempSync(join(tmpdir(), "llmserve-cpu-kernels-"));
    homes.push(home);
    const lock = acquireLockFile(join(home, "llama", `${identity!.key}.lock`));
    expect(lock.acquired).toBe(true);
    const outcome = await ensureCpuKernels({ home, log: () => undefined, env });
    expect(outcome).toEqual({ kind: "busy", reason: "another replica is compiling them" });
    expect(existsSync(join(home, "llama", identity!.key))).toBe(false);
    if (lock.acquired) lock.lock.release();
  });
});
