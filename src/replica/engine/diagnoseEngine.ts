import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cpuKernelsIdentity } from "./cpuKernels/cpuKernelsIdentity.js";
import { CPU_KERNELS_TOOLS } from "./cpuKernels/ensureCpuKernels.js";
import { localBuildState } from "./cpuKernels/installCpuKernels.js";
import { fastDecodeBuildIdentity } from "./fastDecode/fastDecodeBuildIdentity.js";
import { locateFastDecodeAddon } from "./fastDecode/locateFastDecodeAddon.js";

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
    /** What compiling them for this CPU gains, measured (bench/README.md). */
    readonly gain: string;
    readonly fix: string | null;
  };
}

export const CPU_KERNELS_GAIN =
  "batched decoding (several concurrent streams) on the CPU: 1.5x tokens/s on an AMD EPYC (node-llama-cpp's zen4 " +
  "variant) with the 254M benchmark model at 16 streams, nothing measurable on an Intel Xeon with AVX-512/AMX " +
  "(its sapphirerapids variant); one stream is memory-bound and unchanged";

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
  let cpuKernels: EngineDiagnosis["cpuKernels"];
  if (kernelsIdentity === undefined) {
    cpuKernels = {
      kernels: "prebuilt",
      detail: "node-llama-cpp's prebuilt binaries; llmserve compiles CPU kernels only for Linux x64 without NODE_LLAMA_CPP_CMAKE_OPTION_*",
      gain: CPU_KERNELS_GAIN,
      fix: "npm run build:llama in a clone (a full local llama.cpp build)",
    };
  } else {
    const state = localBuildState(kernelsIdentity);
    const workDir = join(home, "llama", kernelsIdentity.key);
    const building = existsSync(`${workDir}.lock`) && !existsSync(join(workDir, "cpuKernels.json"));
    const tools = kernelsIdentity.tools.compiler && kernelsIdentity.tools.cmake;
    cpuKernels =
      state === "llmserve-cpu-kernels"
        ? { kernels: "local", detail: `compiled for this CPU by llmserve (${buildSeconds(workDir)}), in ${kernelsIdentity.localBuildDir}`, gain: CPU_KERNELS_GAIN, fix: null }
        : state === "node-llama-cpp-build"
          ? { kernels: "local", detail: `node-llama-cpp local build (npm run build:llama) in ${kernelsIdentity.localBuildDir}`, gain: CPU_KERNELS_GAIN, fix: null }
          : {
              kernels: "prebuilt",
              detail: building
                ? "node-llama-cpp's generic prebuilt kernels; a replica is compiling ones for this CPU now (replicas started after it use them)"
                : env["LLMSERVE_CPU_KERNELS"] === "prebuilt"
                  ? "node-llama-cpp's generic prebuilt kernels (LLMSERVE_CPU_KERNELS=prebuilt)"
                  : tools
                    ? "node-llama-cpp's generic prebuilt kernels; the first replica that runs on the CPU compiles ones for this CPU in the background (1-3 minutes on 2 cores), for the replicas started after it"
                    : `node-llama-cpp's generic prebuilt kernels; compiling ones for this CPU needs ${CPU_KERNELS_TOOLS}`,
              gain: CPU_KERNELS_GAIN,
              fix: building ? null : "llmserve doctor --build-cpu-kernels (compiles them now)",
            };
  }
  return {
    nodeLlamaCpp: { version: identity.nodeLlamaCppVersion, llamaCppCommit: identity.llamaCppCommit ?? null },
    compiler: identity.compiler.version ?? null,
    fastDecode,
    cpuKernels,
  };
}

function buildSeconds(workDir: string): string {
  try {
    const seconds = (JSON.parse(readFileSync(join(workDir, "cpuKernels.json"), "utf8")) as { buildSeconds?: unknown }).buildSeconds;
    return typeof seconds === "number" ? `compiled in ${seconds} s` : "compiled earlier";
  } catch {
    return "compiled earlier";
  }
}
