import { readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { EngineWeights } from "../../../protocol/EnginePath.js";
import type { ProcessBests } from "./decideCpuKernels.js";

/** CPU time of the two decode sizes with one set of kernels: the best of `rounds` runs in `alternations` processes. */
export interface KernelsFigures {
  /** The best run of each process, in the order they ran. */
  readonly processes: ProcessBests;
  /** The `libggml-cpu*.so` the measuring processes had loaded. */
  readonly library: string;
  readonly oneTokenMs: number;
  readonly batchMs: number;
  readonly rounds: number;
}

/** A measurement of prebuilt against compiled kernels on one model (`measureCpuKernels`). */
export interface CpuKernelsMeasurement {
  /** The model file measured with. */
  readonly model: string;
  readonly batchTokens: number;
  readonly threads: number;
  /** Where the measuring processes had the weights (as a replica would: `planWeightsLoading`). */
  readonly weights: readonly EngineWeights[];
  readonly alternations: number;
  readonly prebuilt: KernelsFigures;
  readonly compiled: KernelsFigures;
  /** Wall-clock seconds the whole measurement took. */
  readonly seconds: number;
}

/** Which kernels replicas load for one build key, and why; decided once per key. */
export interface CpuKernelsVerdict {
  readonly kernels: "compiled" | "prebuilt";
  readonly reason: string;
  /** compiled / prebuilt CPU time, best run against best run; absent when no measurement could be made. */
  readonly oneTokenRatio?: number;
  readonly batchRatio?: number;
  readonly measurement?: CpuKernelsMeasurement;
  /** ISO time of the decision. */
  readonly decidedAt: string;
}

/** `$LLMSERVE_HOME/llama/<key>/cpuKernels.json`: the build, then the verdict on it. */
export interface CpuKernelsRecord {
  readonly key: string;
  readonly llamaCppCommit: string;
  readonly buildSeconds: number;
  readonly verdict?: CpuKernelsVerdict;
}

export const CPU_KERNELS_RECORD = "cpuKernels.json";

/** The record in a build's work folder; undefined when there is none (or it cannot be read). */
export function readCpuKernelsRecord(workDir: string): CpuKernelsRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(join(workDir, CPU_KERNELS_RECORD), "utf8")) as Partial<CpuKernelsRecord>;
    if (typeof record.key !== "string" || typeof record.llamaCppCommit !== "string") return undefined;
    return { buildSeconds: 0, ...record } as CpuKernelsRecord;
  } catch {
    return undefined;
  }
}

/** Writes the record whole (written aside and renamed: a reader sees the old record or the new one). */
export async function writeCpuKernelsRecord(workDir: string, record: CpuKernelsRecord): Promise<void> {
  const path = join(workDir, CPU_KERNELS_RECORD);
  await writeFile(`${path}.${process.pid}`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${path}.${process.pid}`, path);
}
