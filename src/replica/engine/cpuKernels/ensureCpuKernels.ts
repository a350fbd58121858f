import { existsSync } from "node:fs";
import { join } from "node:path";
import { acquireLockFile } from "../../../process/acquireLockFile.js";
import { buildCpuKernels } from "./buildCpuKernels.js";
import { cpuKernelsIdentity, type CpuKernelsIdentity } from "./cpuKernelsIdentity.js";
import { readCpuKernelsRecord, writeCpuKernelsRecord, type CpuKernelsVerdict } from "./cpuKernelsRecord.js";
import { installCpuKernels, localBuildState, uninstallCpuKernels } from "./installCpuKernels.js";
import { judgeCpuKernels } from "./judgeCpuKernels.js";

export interface CpuKernelsBuildOptions {
  /** `$LLMSERVE_HOME`: builds live in `llama/<key>/` under it. */
  readonly home: string;
  readonly log: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * The model to measure the compiled kernels with (a replica's served model file). Without it a missing build is
   * made but not measured, and nothing switches.
   */
  readonly modelPath?: string;
  /** Measure again even when a verdict exists (a user asking for it with a model of their choice). Defaults to false. */
  readonly remeasure?: boolean;
  /** Where node-llama-cpp and its folders are. Defaults to `cpuKernelsIdentity(env)`. */
  readonly identity?: CpuKernelsIdentity;
}

export type CpuKernelsBuildOutcome =
  | {
      readonly kind: "decided";
      readonly verdict: CpuKernelsVerdict;
      /** False when the verdict was found in the record (no build, no measurement). */
      readonly measuredNow: boolean;
      /** What this call changed in node-llama-cpp's local-build folder. */
      readonly change: "installed" | "removed" | "none";
    }
  | { readonly kind: "unmeasured"; readonly reason: string }
  | { readonly kind: "busy"; readonly reason: string }
  | { readonly kind: "not-applicable"; readonly reason: string }
  | { readonly kind: "failed"; readonly reason: string };

/** The tools the build needs, as one sentence for the log and `llmserve doctor`. */
export const CPU_KERNELS_TOOLS = "a C++ compiler, cmake and git (Debian/Ubuntu: sudo apt-get install g++ cmake git)";

/**
 * Decides, once per build key, whether replicas load CPU kernels compiled for this machine or node-llama-cpp's
 * prebuilt ones, and puts that in place for the next replica start. A verdict in `$LLMSERVE_HOME/llama/<key>/
 * cpuKernels.json` is applied as it is. Otherwise: compiles the kernels (`buildCpuKernels`, ~1-3 minutes on 2
 * cores, lowest priority) unless that build exists, measures them against the prebuilt ones on `modelPath`
 * (`judgeCpuKernels`, in child processes) and records the verdict. Compiled kernels are installed only on a verdict
 * for them; a verdict for the prebuilt ones takes back compiled kernels llmserve installed before. Builds and
 * measurements of one key take turns (`acquireLockFile`; a caller that finds the lock held by a live process gets
 * `busy`). A local build made by `npm run build:llama` is never touched. `LLMSERVE_CPU_KERNELS=prebuilt` switches
 * it all off. Never throws.
 */
export async function ensureCpuKernels(options: CpuKernelsBuildOptions): Promise<CpuKernelsBuildOutcome> {
  const env = options.env ?? process.env;
  if (env["LLMSERVE_CPU_KERNELS"] === "prebuilt") return { kind: "not-applicable", reason: "LLMSERVE_CPU_KERNELS=prebuilt" };
  let identity: CpuKernelsIdentity | undefined;
  try {
    identity = options.identity ?? (await cpuKernelsIdentity(env));
  } catch (error) {
    return { kind: "failed", reason: messageOf(error) };
  }
  if (identity === undefined) {
    return { kind: "not-applicable", reason: "only for node-llama-cpp's Linux x64 prebuilt binaries without custom CMake options" };
  }
  if (localBuildState(identity) === "node-llama-cpp-build") return { kind: "not-applicable", reason: "a local llama.cpp build (npm run build:llama) is in place" };
  const workDir = join(options.home, "llama", identity.key);
  const library = join(workDir, "libggml-cpu.so");
  try {
    const record = readCpuKernelsRecord(workDir);
    const known = record?.verdict;
    if (known !== undefined && options.remeasure !== true) return { kind: "decided", verdict: known, measuredNow: false, change: await applyVerdict(identity, library, known) };
    const built = existsSync(library) && record !== undefined;
    if (!built && (!identity.tools.compiler || !identity.tools.cmake)) {
      return { kind: "failed", reason: `the CPU kernels cannot be compiled here: they need ${CPU_KERNELS_TOOLS}` };
    }
    if (built && options.modelPath === undefined) return { kind: "unmeasured", reason: UNMEASURED };
    const attempt = acquireLockFile(`${workDir}.lock`);
    if (!attempt.acquired) return { kind: "busy", reason: "another process is compiling or measuring them" };
    try {
      return await buildAndJudge(identity, workDir, options);
    } finally {
      attempt.lock.release();
    }
  } catch (error) {
    return { kind: "failed", reason: messageOf(error) };
  }
}

/** A decided outcome in one line: the verdict's reason, and whether it was measured now or found recorded. */
export function describeVerdict(outcome: Extract<CpuKernelsBuildOutcome, { kind: "decided" }>): string {
  return `${outcome.verdict.reason}${outcome.measuredNow ? "" : " (measured earlier)"}`;
}

const UNMEASURED =
  "compiled, not measured yet: the next replica on the CPU measures them against the prebuilt ones with its model " +
  "(or: llmserve doctor --build-cpu-kernels --model FILE.gguf); nothing switches to them before a measurement shows them faster";

/** Under the key's lock: what another process decided meanwhile, else build (if needed), measure, record, apply. */
async function buildAndJudge(identity: CpuKernelsIdentity, workDir: string, options: CpuKernelsBuildOptions): Promise<CpuKernelsBuildOutcome> {
  const library = join(workDir, "libggml-cpu.so");
  let record = readCpuKernelsRecord(workDir);
  if (record?.verdict !== undefined && options.remeasure !== true) {
    return { kind: "decided", verdict: record.verdict, measuredNow: false, change: await applyVerdict(identity, library, record.verdict) };
  }
  if (record === undefined || !existsSync(library)) {
    await buildCpuKernels(identity, workDir, options.log);
    record = readCpuKernelsRecord(workDir);
    if (record === undefined) throw new Error(`the build left no record in ${workDir}`);
  }
  if (options.modelPath === undefined) return { kind: "unmeasured", reason: UNMEASURED };
  const verdict = await judgeCpuKernels(identity, library, options.modelPath, options.log);
  await writeCpuKernelsRecord(workDir, { ...record, verdict });
  return { kind: "decided", verdict, measuredNow: true, change: await applyVerdict(identity, library, verdict) };
}

async function applyVerdict(identity: CpuKernelsIdentity, library: string, verdict: CpuKernelsVerdict): Promise<"installed" | "removed" | "none"> {
  if (verdict.kernels === "prebuilt") return (await uninstallCpuKernels(identity)) ? "removed" : "none";
  if (localBuildState(identity) === "llmserve-cpu-kernels") return "none";
  await installCpuKernels(identity, library);
  return "installed";
}

function messageOf(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  const detail = typeof stderr === "string" ? stderr.split("\n").find((line) => /error/i.test(line)) : undefined;
  return detail ?? (error instanceof Error ? error.message.split("\n")[0] ?? error.message : String(error));
}
