import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { cpuKernelsIdentity, type CpuKernelsIdentity } from "./cpuKernels/cpuKernelsIdentity.js";
import { readCpuKernelsRecord, type CpuKernelsMeasurement, type CpuKernelsVerdict } from "./cpuKernels/cpuKernelsRecord.js";
import { CPU_KERNELS_TOOLS } from "./cpuKernels/ensureCpuKernels.js";
import { localBuildState } from "./cpuKernels/installCpuKernels.js";
import { fastDecodeBuildIdentity } from "./fastDecode/fastDecodeBuildIdentity.js";
import { locateFastDecodeAddon } from "./fastDecode/locateFastDecodeAddon.js";
import { transparentHugePagesMode } from "./weights/readWeightsHost.js";

/** What `llmserve doctor` reports about the engine a replica started now would run. */
export interface EngineDiagnosis {
  readonly nodeLlamaCpp: { readonly version: string; readonly llamaCppCommit: string | null };
  readonly compiler: string | null;
  readonly fastDecode: {
    /** `native loop` when a replica would run llmserve's generation loop, `stock loop` otherwise. */
    readonly generation: "native loop" | "stock loop";
    readonly detail: string;
    readonly fix: string | null;
  };
  readonly cpuKernels: {
    readonly kernels: "local" | "prebuilt";
    readonly detail: string;
    /** What compiling them for this CPU gains: measured here when a verdict exists, else what was measured elsewhere. */
    readonly gain: string;
    readonly fix: string | null;
    /** The decision on the kernels compiled for this machine, with its figures; null before one is made. */
    readonly verdict: CpuKernelsVerdict | null;
  };
  /** Where CPU replicas started by the controller keep their weights (`chooseWeightsLoading`). */
  readonly weights: {
    readonly placement: "huge pages" | "mapped";
    readonly detail: string;
    readonly fix: string | null;
  };
}

export const CPU_KERNELS_GAIN =
  "depends on the CPU, so llmserve measures it before any replica uses them: in batched decoding (several " +
  "concurrent streams) 1.6x on an AMD EPYC (against node-llama-cpp's zen4 variant), slower on an Intel Xeon with " +
  "AVX-512/AMX (its sapphirerapids variant); one stream is memory-bound and about even";

const REMEASURE = "llmserve doctor --build-cpu-kernels --model FILE.gguf (measures again with that model)";

/** Looks at what is installed and built; builds nothing. */
export async function diagnoseEngine(home: string, env: NodeJS.ProcessEnv = process.env): Promise<EngineDiagnosis> {
  const identity = await fastDecodeBuildIdentity(env);
  const addon = await locateFastDecodeAddon({ home, env, lookOnly: true });
  const fastDecode: EngineDiagnosis["fastDecode"] = addon.ok
    ? { generation: "native loop", detail: `fastDecode addon ${addon.origin === "package" ? "built at install" : "built on first use"}: ${addon.dir}`, fix: null }
    : addon.warning !== undefined
      ? { generation: "stock loop", detail: addon.reason, fix: addon.warning }
      : { generation: /not built yet/.test(addon.reason) ? "native loop" : "stock loop", detail: addon.reason, fix: null };

  const kernelsIdentity = await cpuKernelsIdentity(env);
  const cpuKernels = kernelsIdentity === undefined ? UNSUPPORTED_KERNELS : diagnoseCpuKernels(home, kernelsIdentity, env);
  return {
    nodeLlamaCpp: { version: identity.nodeLlamaCppVersion, llamaCppCommit: identity.llamaCppCommit ?? null },
    compiler: identity.compiler.version ?? null,
    fastDecode,
    cpuKernels,
    weights: diagnoseWeights(),
  };
}

function diagnoseWeights(): EngineDiagnosis["weights"] {
  const mode = transparentHugePagesMode();
  if (mode === "always" || mode === "madvise") {
    return {
      placement: "huge pages",
      detail:
        `CPU replicas the controller starts read their weights into transparent huge pages (THP: ${mode}) when the model (32 MiB or more) ` +
        "takes at most half of the available memory, else they map the file; 10-16% more tokens/s than mapped on the 254M benchmark model",
      fix: null,
    };
  }
  return {
    placement: "mapped",
    detail: `CPU replicas map the model file: transparent huge pages are ${mode === "never" ? "off (THP: never)" : "not available here"}`,
    fix: mode === "never" ? "echo madvise | sudo tee /sys/kernel/mm/transparent_hugepage/enabled (then restart the replicas)" : null,
  };
}

const UNSUPPORTED_KERNELS: EngineDiagnosis["cpuKernels"] = {
  kernels: "prebuilt",
  detail: "node-llama-cpp's prebuilt binaries; llmserve compiles CPU kernels only for Linux x64 without NODE_LLAMA_CPP_CMAKE_OPTION_*",
  gain: CPU_KERNELS_GAIN,
  fix: "npm run build:llama in a clone (a full local llama.cpp build)",
  verdict: null,
};

function diagnoseCpuKernels(home: string, identity: CpuKernelsIdentity, env: NodeJS.ProcessEnv): EngineDiagnosis["cpuKernels"] {
  const state = localBuildState(identity);
  if (state === "node-llama-cpp-build") {
    return { kernels: "local", detail: `node-llama-cpp local build (npm run build:llama) in ${identity.localBuildDir}`, gain: CPU_KERNELS_GAIN, fix: null, verdict: null };
  }
  const workDir = join(home, "llama", identity.key);
  const record = readCpuKernelsRecord(workDir);
  const verdict = record?.verdict ?? null;
  const gain = verdict?.measurement !== undefined ? measuredGain(verdict.measurement) : CPU_KERNELS_GAIN;
  const built = record !== undefined ? `compiled for this CPU in ${record.buildSeconds} s` : undefined;
  if (state === "llmserve-cpu-kernels") {
    const why = verdict !== null ? verdict.reason : "installed before llmserve measured them; the next replica on the CPU measures them and keeps them only if faster";
    return { kernels: "local", detail: `${built ?? "compiled for this CPU"} by llmserve, in ${identity.localBuildDir}: ${why}`, gain, fix: verdict !== null ? REMEASURE : null, verdict };
  }
  if (verdict !== null) return { kernels: "prebuilt", detail: `node-llama-cpp's prebuilt kernels: ${verdict.reason}`, gain, fix: REMEASURE, verdict };
  const building = existsSync(`${workDir}.lock`);
  const tools = identity.tools.compiler && identity.tools.cmake;
  const detail = building
    ? "node-llama-cpp's prebuilt kernels; a replica is compiling or measuring ones for this CPU now (replicas started after it use them if they are faster)"
    : env["LLMSERVE_CPU_KERNELS"] === "prebuilt"
      ? "node-llama-cpp's prebuilt kernels (LLMSERVE_CPU_KERNELS=prebuilt)"
      : built !== undefined
        ? `node-llama-cpp's prebuilt kernels; ones ${built} are not measured yet: the next replica on the CPU measures them with its model and keeps the faster`
        : tools
          ? "node-llama-cpp's prebuilt kernels; the first replica that runs on the CPU compiles ones for this CPU in the background (1-3 minutes on 2 cores), measures both on its model and keeps the faster for the replicas started after it"
          : `node-llama-cpp's prebuilt kernels; compiling ones for this CPU needs ${CPU_KERNELS_TOOLS}`;
  const fix = building ? null : built !== undefined ? "llmserve doctor --build-cpu-kernels --model FILE.gguf (measures them with that model now)" : "llmserve doctor --build-cpu-kernels [--model FILE.gguf] (compiles them now, and measures them with that model)";
  return { kernels: "prebuilt", detail, gain, fix, verdict: null };
}

function measuredGain(measurement: CpuKernelsMeasurement): string {
  const side = (figures: CpuKernelsMeasurement["prebuilt"]): string => `${figures.batchMs} / ${figures.oneTokenMs} ms`;
  return (
    `measured here on ${basename(measurement.model)}, CPU time of a ${measurement.batchTokens}-token batch / 1 token, one thread, best of ` +
    `${measurement.prebuilt.rounds} runs: prebuilt (${basename(measurement.prebuilt.library)}) ${side(measurement.prebuilt)}, ` +
    `compiled ${side(measurement.compiled)} (${measurement.alternations} processes each, alternating; ${measurement.seconds} s)`
  );
}
