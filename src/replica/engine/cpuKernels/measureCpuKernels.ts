import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { rmdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isSameProcess, readProcessIdentity, type ProcessIdentity } from "../../../process/processIdentity.js";
import { LLAMA_CPP_BUILD_OPTIONS } from "../llamaCppBuildOptions.js";
import { tunablesWithHugePages } from "../weights/hugePageTunables.js";
import { assembleLocalBuild, removeLocalBuild } from "./assembleLocalBuild.js";
import { localBuildDirFor, type CpuKernelsIdentity } from "./cpuKernelsIdentity.js";
import type { CpuKernelsMeasurement, KernelsFigures } from "./cpuKernelsRecord.js";
import type { CpuKernelsTrial, CpuKernelsTrialRequest } from "./runCpuKernelsTrial.js";

export interface MeasureCpuKernelsOptions {
  readonly identity: CpuKernelsIdentity;
  /** The served model file: weight types (F16, Q4_K, ...) run different kernels, so the verdict is per model. */
  readonly modelPath: string;
  /** The CPU backend library to try against the baseline (the one compiled for this machine). */
  readonly candidate: string;
  /** A CPU backend library to try instead of node-llama-cpp's prebuilt choice. Defaults to that choice. */
  readonly baseline?: string;
  /** Processes per side, alternating baseline and candidate. Defaults to 3. */
  readonly alternations?: number;
  /** CPU time all timed decodes may use together (each process gets its share; at least one round each). Defaults to 20 s. */
  readonly budgetMs?: number;
  /** The whole measurement, processes and model loads included, is abandoned after this. Defaults to 3 minutes. */
  readonly wallLimitMs?: number;
}

/** The tokens of the batched decode: a decode step of 16 streams. */
export const MEASURE_BATCH_TOKENS = 16;
const MAX_ROUNDS = 8;
/** Names the trial folders apart from any real build's options. */
const TRIAL_OPTION = "LLMSERVE_CPU_KERNELS_TRIAL";
/** Marker of a trial folder: the measuring process, so a later measurement removes what a killed one left. */
const TRIAL_MARKER = "llmserve-cpu-kernels-trial.json";

/**
 * Measures the CPU time of a 1-token decode and of a 16-token batch with node-llama-cpp's prebuilt CPU kernels and
 * with `candidate`, one thread, on the served model, in child processes (node-llama-cpp loads one set of binaries
 * per process, and the replica that asks keeps serving): baseline and candidate alternate (A B A B A B) so drift on
 * the shared machine hits both, each process reports its runs (their best counts), and CPU time rather than wall
 * time is counted.
 * How a child gets its kernels: `getLlama` loads the local-build folder named by the hash of the CMake options it is
 * asked for, else the prebuilt binaries. The candidate is staged as a local build of the standard options plus a
 * trial option no real build has; the prebuilt side is asked for another such option with no folder. Each child
 * reports the `libggml-cpu*.so` it mapped, which is checked. Trial folders are removed afterwards.
 */
export async function measureCpuKernels(options: MeasureCpuKernelsOptions): Promise<CpuKernelsMeasurement> {
  const started = Date.now();
  const deadline = started + (options.wallLimitMs ?? 180_000);
  const alternations = options.alternations ?? 3;
  const budgetMs = options.budgetMs ?? 20_000;
  const localBuilds = options.identity.localBuilds;
  const hadLocalBuilds = existsSync(localBuilds);
  await removeAbandonedTrials(localBuilds);
  const nonce = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const sides = [
    { name: "prebuilt", library: options.baseline },
    { name: "compiled", library: options.candidate },
  ].map((side) => {
    const cmakeOptions = { ...LLAMA_CPP_BUILD_OPTIONS, [TRIAL_OPTION]: `${side.name}-${nonce}` };
    return { ...side, cmakeOptions, dir: localBuildDirFor(localBuilds, cmakeOptions), trials: [] as CpuKernelsTrial[] };
  });
  try {
    const holder: ProcessIdentity = readProcessIdentity(process.pid) ?? { pid: process.pid };
    const expected = new Map<string, ExpectedBackend>();
    for (const side of sides) {
      if (side.library === undefined) {
        expected.set(side.name, { dir: realpathSync.native(options.identity.prebuiltDir) });
        continue;
      }
      await assembleLocalBuild(options.identity, { library: side.library, dir: side.dir, cmakeOptions: side.cmakeOptions, markers: { [TRIAL_MARKER]: holder } });
      expected.set(side.name, { file: realpathSync.native(join(side.dir, "Release", "libggml-cpu.so")) });
    }
    for (let round = 0; round < alternations; round++) {
      for (const side of sides) {
        const trial = await runTrial(
          { modelPath: options.modelPath, cmakeOptions: side.cmakeOptions, batchTokens: MEASURE_BATCH_TOKENS, budgetMs: budgetMs / (2 * alternations), maxRounds: MAX_ROUNDS, parentPid: process.pid },
          deadline,
        );
        checkBackend(trial, expected.get(side.name)!);
        side.trials.push(trial);
      }
    }
  } finally {
    for (const side of sides) await removeLocalBuild(side.dir);
    // Only a folder this measurement created, and only while empty (rmdir refuses otherwise).
    if (!hadLocalBuilds) await rmdir(localBuilds).catch(() => undefined);
  }
  const [prebuilt, compiled] = sides.map((side) => figuresOf(side.trials, side.library));
  return {
    model: options.modelPath,
    batchTokens: MEASURE_BATCH_TOKENS,
    threads: 1,
    weights: [...new Set(sides.flatMap((side) => side.trials.map((trial) => trial.weights)))],
    alternations,
    prebuilt: prebuilt!,
    compiled: compiled!,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

/** The CPU backend a trial must have loaded: a library of the prebuilt folder, or the staged file. */
type ExpectedBackend = { readonly dir: string } | { readonly file: string };

function runTrial(request: CpuKernelsTrialRequest, deadline: number): Promise<CpuKernelsTrial> {
  const timeout = deadline - Date.now();
  if (timeout <= 0) return Promise.reject(new Error("the measurement did not finish within its time limit"));
  return new Promise((resolve, reject) => {
    // glibc's huge-page tunable, as the controller starts replicas with: the weights land where a replica's do.
    const env = { ...process.env, GLIBC_TUNABLES: tunablesWithHugePages(process.env["GLIBC_TUNABLES"]) };
    execFile(process.execPath, [trialEntry(), JSON.stringify(request)], { env, timeout, killSignal: "SIGKILL", maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error === null) {
        try {
          resolve(JSON.parse(stdout) as CpuKernelsTrial);
        } catch {
          reject(new Error(`a measuring process printed no result: ${stdout.slice(0, 200)}`));
        }
        return;
      }
      if (error.killed) {
        reject(new Error("the measurement did not finish within its time limit"));
        return;
      }
      const detail = stderr.trim().split("\n").filter((line) => /error/i.test(line)).pop() ?? `exit ${error.code ?? error.signal}`;
      reject(new Error(`a measuring process failed: ${detail}`));
    });
  });
}

function checkBackend(trial: CpuKernelsTrial, expected: ExpectedBackend): void {
  const loaded = trial.libraries.length === 1 ? trial.libraries[0]! : undefined;
  if (loaded !== undefined && ("file" in expected ? loaded === expected.file : dirname(loaded) === expected.dir)) return;
  const wanted = "file" in expected ? expected.file : `a library of ${expected.dir}`;
  throw new Error(`a measuring process loaded ${trial.libraries.join(", ") || "no CPU backend"} instead of ${wanted}`);
}

/** Best figures of one side: the fastest run of each size over all its processes. */
function figuresOf(trials: readonly CpuKernelsTrial[], staged: string | undefined): KernelsFigures {
  const processes = {
    oneTokenMs: trials.map((trial) => round(Math.min(...trial.oneTokenMs))),
    batchMs: trials.map((trial) => round(Math.min(...trial.batchMs))),
  };
  return {
    library: staged ?? basename(trials[0]?.libraries[0] ?? ""),
    oneTokenMs: Math.min(...processes.oneTokenMs),
    batchMs: Math.min(...processes.batchMs),
    processes,
    rounds: trials.reduce((sum, trial) => sum + trial.batchMs.length, 0),
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Trial folders whose measuring process is gone (killed mid-measurement). */
async function removeAbandonedTrials(localBuilds: string): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(localBuilds);
  } catch {
    return;
  }
  for (const name of names) {
    try {
      const holder = JSON.parse(readFileSync(join(localBuilds, name, "Release", TRIAL_MARKER), "utf8")) as ProcessIdentity;
      if (!isSameProcess(holder)) await removeLocalBuild(join(localBuilds, name));
    } catch {
      // not a trial folder
    }
  }
}

function trialEntry(): string {
  const entry = fileURLToPath(new URL("./cpuKernelsTrialProcess.js", import.meta.url));
  // From the TypeScript sources (unit tests) the child runs the built entry (`npm run build`).
  return existsSync(entry) ? entry : entry.replace(/[/\\]src[/\\]replica[/\\]/, "/dist/replica/");
}
