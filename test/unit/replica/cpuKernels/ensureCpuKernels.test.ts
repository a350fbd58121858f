import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireLockFile } from "../../../../src/process/acquireLockFile.js";
import { cpuKernelsIdentity, type CpuKernelsIdentity } from "../../../../src/replica/engine/cpuKernels/cpuKernelsIdentity.js";
import type { CpuKernelsRecord, CpuKernelsVerdict } from "../../../../src/replica/engine/cpuKernels/cpuKernelsRecord.js";
import { ensureCpuKernels } from "../../../../src/replica/engine/cpuKernels/ensureCpuKernels.js";
import { CPU_KERNELS_MARKER } from "../../../../src/replica/engine/cpuKernels/installCpuKernels.js";
import { measureCpuKernels } from "../../../../src/replica/engine/cpuKernels/measureCpuKernels.js";
import { readProcessIdentity } from "../../../../src/process/processIdentity.js";

const env = { ...process.env, LLMSERVE_CPU_KERNELS: "" };
const identity = await cpuKernelsIdentity(env);
// Only where a build could start: node-llama-cpp's Linux x64 prebuilt binaries, a compiler and cmake.
const buildable = identity !== undefined && identity.tools.compiler && identity.tools.cmake;

const KEY = "cpuKernels-test-0000000-00000000";
const VERDICT: CpuKernelsVerdict = {
  kernels: "prebuilt",
  reason: "compiled kernels measured 1.09x the CPU time of prebuilt at 16 tokens and 1.01x at 1 token on model.gguf: staying on prebuilt",
  decidedAt: "2026-01-01T00:00:00.000Z",
};

/**
 * An identity whose node-llama-cpp folders all live under `root` (a fake prebuilt folder with an addon, libraries
 * and build metadata): what these tests install or remove never reaches the real node_modules. No compiler, so any
 * build attempt fails.
 */
function fakeIdentity(root: string): CpuKernelsIdentity {
  const prebuiltDir = join(root, "prebuilt");
  mkdirSync(prebuiltDir, { recursive: true });
  for (const name of ["llama-addon.node", "libggml-base.so", "libllama.so", "libggml-cpu-x64.so", "libggml-cpu-haswell.so"]) writeFileSync(join(prebuiltDir, name), name);
  writeFileSync(join(prebuiltDir, "_nlcBuildMetadata.json"), JSON.stringify({ buildOptions: { customCmakeOptions: {} } }));
  return {
    nodeLlamaCppVersion: "0.0.0",
    llamaCppCommit: "0000000000000000000000000000000000000000",
    bundle: join(root, "none.bundle"),
    prebuiltDir,
    localBuilds: join(root, "localBuilds"),
    localBuildDir: join(root, "localBuilds", "linux-x64-standard"),
    tools: { compiler: false, cmake: false, git: false, ninja: false },
    key: KEY,
  };
}

function writeRecord(home: string, record: Partial<CpuKernelsRecord>, library?: string): string {
  const workDir = join(home, "llama", KEY);
  mkdirSync(workDir, { recursive: true });
  writeFileSync(join(workDir, "cpuKernels.json"), JSON.stringify({ key: KEY, llamaCppCommit: "0".repeat(40), buildSeconds: 100, ...record }));
  if (library !== undefined) writeFileSync(join(workDir, "libggml-cpu.so"), library);
  return workDir;
}

function installedFolder(fake: CpuKernelsIdentity, marker: boolean): void {
  mkdirSync(join(fake.localBuildDir, "Release"), { recursive: true });
  writeFileSync(join(fake.localBuildDir, "buildDone.status"), "");
  writeFileSync(join(fake.localBuildDir, "Release", "llama-addon.node"), "addon");
  if (marker) writeFileSync(join(fake.localBuildDir, "Release", CPU_KERNELS_MARKER), JSON.stringify({ key: KEY }));
}

describe("ensureCpuKernels", () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), "llmserve-cpu-kernels-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!buildable)("should leave the build to the live process that holds its lock, and say so", async () => {
    const home = tempDir();
    const lock = acquireLockFile(join(home, "llama", `${identity!.key}.lock`));
    expect(lock.acquired).toBe(true);
    const outcome = await ensureCpuKernels({ home, log: () => undefined, env });
    expect(outcome).toEqual({ kind: "busy", reason: "another process is compiling or measuring them" });
    expect(existsSync(join(home, "llama", identity!.key))).toBe(false);
    if (lock.acquired) lock.lock.release();
  });

  it("should apply a recorded verdict as it is: no build, no measurement, the record untouched", async () => {
    const root = tempDir();
    const fake = fakeIdentity(root);
    const workDir = writeRecord(join(root, "home"), { verdict: VERDICT });
    const before = readFileSync(join(workDir, "cpuKernels.json"), "utf8");
    const lines: string[] = [];
    // No library, no compiler, a model that does not exist: building or measuring could only fail.
    const outcome = await ensureCpuKernels({ home: join(root, "home"), log: (line) => lines.push(line), env, identity: fake, modelPath: join(root, "missing.gguf") });
    expect(outcome).toEqual({ kind: "decided", verdict: VERDICT, measuredNow: false, change: "none" });
    expect(readFileSync(join(workDir, "cpuKernels.json"), "utf8")).toBe(before);
    expect(lines).toEqual([]);
    expect(existsSync(fake.localBuilds)).toBe(false);
  });

  it("should take back compiled kernels llmserve installed when the verdict is prebuilt", async () => {
    const root = tempDir();
    const fake = fakeIdentity(root);
    writeRecord(join(root, "home"), { verdict: VERDICT });
    installedFolder(fake, true);
    const outcome = await ensureCpuKernels({ home: join(root, "home"), log: () => undefined, env, identity: fake });
    expect(outcome).toMatchObject({ kind: "decided", measuredNow: false, change: "removed" });
    expect(readdirSync(fake.localBuilds)).toEqual([]);
  });

  it("should never touch a local build that llmserve did not make (npm run build:llama)", async () => {
    const root = tempDir();
    const fake = fakeIdentity(root);
    writeRecord(join(root, "home"), { verdict: VERDICT });
    installedFolder(fake, false);
    const outcome = await ensureCpuKernels({ home: join(root, "home"), log: () => undefined, env, identity: fake });
    expect(outcome.kind).toBe("not-applicable");
    expect(readFileSync(join(fake.localBuildDir, "Release", "llama-addon.node"), "utf8")).toBe("addon");
  });

  it("should install compiled kernels on a verdict for them, once: the prebuilt libraries with the compiled CPU backend instead of the variants", async () => {
    const root = tempDir();
    const fake = fakeIdentity(root);
    const workDir = writeRecord(join(root, "home"), { verdict: { ...VERDICT, kernels: "compiled" } }, "compiled kernels");
    const first = await ensureCpuKernels({ home: join(root, "home"), log: () => undefined, env, identity: fake });
    expect(first).toMatchObject({ kind: "decided", measuredNow: false, change: "installed" });
    const release = join(fake.localBuildDir, "Release");
    expect(readdirSync(release).sort()).toEqual(["_nlcBuildMetadata.json", "libggml-base.so", "libggml-cpu.so", "libllama.so", "llama-addon.node", CPU_KERNELS_MARKER].sort());
    expect(readFileSync(join(release, "libggml-cpu.so"), "utf8")).toBe("compiled kernels");
    expect(JSON.parse(readFileSync(join(release, CPU_KERNELS_MARKER), "utf8"))).toEqual({ key: KEY, library: join(workDir, "libggml-cpu.so") });
    const second = await ensureCpuKernels({ home: join(root, "home"), log: () => undefined, env, identity: fake });
    expect(second).toMatchObject({ kind: "decided", change: "none" });
  });

  it("should not switch to a build nobody measured: without a model it stays unmeasured", async () => {
    const root = tempDir();
    const fake = fakeIdentity(root);
    writeRecord(join(root, "home"), {}, "compiled kernels");
    const outcome = await ensureCpuKernels({ home: join(root, "home"), log: () => undefined, env, identity: fake });
    expect(outcome).toMatchObject({ kind: "unmeasured" });
    expect(existsSync(fake.localBuilds)).toBe(false);
  });

  it("should sweep the trial folders of a measurement whose process is gone, and keep a live one's", async () => {
    const root = tempDir();
    const fake = fakeIdentity(root);
    const trial = (name: string, holder: unknown): string => {
      const dir = join(fake.localBuilds, name);
      mkdirSync(join(dir, "Release"), { recursive: true });
      writeFileSync(join(dir, "Release", "llmserve-cpu-kernels-trial.json"), JSON.stringify(holder));
      return dir;
    };
    trial("linux-x64-abandoned", { pid: 2 ** 22 + 1, startTime: "gone" });
    trial("linux-x64-live", readProcessIdentity(process.pid));
    // The model does not exist: the first measuring process fails at once; the sweep came before it.
    await expect(measureCpuKernels({ identity: fake, modelPath: join(root, "missing.gguf"), candidate: join(fake.prebuiltDir, "libggml-cpu-x64.so") })).rejects.toThrow(
      /a measuring process failed/,
    );
    expect(readdirSync(fake.localBuilds)).toEqual(["linux-x64-live"]);
  });
});
