import { existsSync, readdirSync, readFileSync } from "node:fs";
import { getLlama, LlamaLogLevel, type LlamaContextSequence, type Token } from "node-llama-cpp";
import type { EngineWeights } from "../../../protocol/EnginePath.js";
import { loadModelWeights } from "../weights/loadModelWeights.js";

/** What one trial process is asked to do (its one argument, as JSON). */
export interface CpuKernelsTrialRequest {
  readonly modelPath: string;
  /** The CMake options `getLlama` is asked for: they pick the local-build folder, hence the CPU kernels, it loads. */
  readonly cmakeOptions: Readonly<Record<string, string>>;
  /** Tokens of the batched decode (besides the 1-token decode). */
  readonly batchTokens: number;
  /** Timed rounds stop once they used this much CPU time (at least one round runs). */
  readonly budgetMs: number;
  readonly maxRounds: number;
  /** The measuring process: the trial stops when it is gone. */
  readonly parentPid: number;
}

/** What a trial printed: CPU time of each timed round, and which CPU backend library the process had loaded. */
export interface CpuKernelsTrial {
  /** The `libggml-cpu*.so` files mapped into the process (ggml unloads the variants it did not pick). */
  readonly libraries: readonly string[];
  /** Where the weights were (a replica's choice, `planWeightsLoading`): huge pages or not change a decode's cost. */
  readonly weights: EngineWeights;
  readonly oneTokenMs: readonly number[];
  readonly batchMs: readonly number[];
}

/**
 * Runs in a child process of `measureCpuKernels` (node-llama-cpp loads one set of binaries per process): loads the
 * model on the CPU with one thread, its weights placed as a replica's are, and, round after round, clears the sequence, decodes `batchTokens` tokens in one
 * batch and then one more token, each with logits for every token (as a decode step of that many streams has), and
 * records the process CPU time of each decode. A warm-up round (page faults of the first touch) is not counted.
 */
export async function runCpuKernelsTrial(request: CpuKernelsTrialRequest): Promise<CpuKernelsTrial> {
  const llama = await getLlama({
    build: "never",
    gpu: false,
    cmakeOptions: { ...request.cmakeOptions },
    maxThreads: 1,
    progressLogs: false,
    logLevel: LlamaLogLevel.error,
    logger: () => undefined,
  });
  const { plan: weightsPlan, model } = await loadModelWeights(llama, request.modelPath);
  const context = await model.createContext({ contextSize: 4 * request.batchTokens + 64, sequences: 1, threads: 1, failedCreationRemedy: false });
  const { weights } = weightsPlan.observe();
  const sequence = context.getSequence();
  const tokens = sampleTokens(model.tokenize("The quick brown fox jumps over the lazy dog, then rests in the warm sun."), request.batchTokens);
  const round = async (): Promise<{ batch: number; one: number }> => {
    await sequence.clearHistory();
    const batch = await cpuTimeOf(() => decode(sequence, tokens));
    const one = await cpuTimeOf(() => decode(sequence, tokens.slice(0, 1)));
    return { batch, one };
  };
  await round();
  const oneTokenMs: number[] = [];
  const batchMs: number[] = [];
  let spent = 0;
  while (oneTokenMs.length < request.maxRounds && (oneTokenMs.length === 0 || spent < request.budgetMs)) {
    if (process.ppid !== request.parentPid) throw new Error("the measuring process is gone");
    const { batch, one } = await round();
    batchMs.push(batch);
    oneTokenMs.push(one);
    spent += batch + one;
  }
  return { libraries: loadedCpuBackends(), weights, oneTokenMs, batchMs };
}

async function decode(sequence: LlamaContextSequence, tokens: readonly Token[]): Promise<void> {
  await sequence.controlledEvaluate(tokens.map((token) => [token, { generateNext: { token: true } }]));
}

async function cpuTimeOf(work: () => Promise<void>): Promise<number> {
  const before = processCpuNs();
  await work();
  return Number(processCpuNs() - before) / 1e6;
}

const SCHEDSTAT = existsSync(`/proc/self/task/${process.pid}/schedstat`);

/**
 * CPU time of all of this process's threads in ns, from the scheduler's own count (/proc/self/task/N/schedstat)
 * where there is one: getrusage's figure (`process.cpuUsage`) is adjusted to stay monotonic and its deltas were seen
 * 15% off.
 */
function processCpuNs(): bigint {
  if (!SCHEDSTAT) {
    const used = process.cpuUsage();
    return BigInt(used.user + used.system) * 1000n;
  }
  let total = 0n;
  for (const task of readdirSync("/proc/self/task")) {
    try {
      total += BigInt(readFileSync(`/proc/self/task/${task}/schedstat`, "utf8").split(" ")[0]!);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return total;
}

function sampleTokens(text: readonly Token[], count: number): Token[] {
  const source = text.length > 0 ? text : [0 as Token];
  return Array.from({ length: count }, (_, index) => source[index % source.length]!);
}

function loadedCpuBackends(): string[] {
  const maps = readFileSync("/proc/self/maps", "utf8");
  const paths = [...maps.matchAll(/\s(\/\S*\/libggml-cpu[^/\s]*\.so)$/gm)].map((match) => match[1]!);
  return [...new Set(paths)];
}
