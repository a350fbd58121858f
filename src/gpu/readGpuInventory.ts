import { execFile } from "node:child_process";
import type { GpuInfo } from "./GpuInfo.js";
import { parseNvidiaSmiCsv } from "./parseNvidiaSmiCsv.js";

export const NVIDIA_SMI_QUERY_ARGS = [
  "--query-gpu=index,uuid,name,memory.total,memory.free",
  "--format=csv,noheader,nounits",
] as const;

const NVIDIA_SMI_TIMEOUT_MS = 10_000;

export type ReadGpuInventoryOptions = {
  /**
   * The nvidia-smi executable.
   * Defaults to `$LLMSERVE_NVIDIA_SMI` when set (tests use it to present a fake inventory), else `nvidia-smi` on PATH.
   */
  nvidiaSmiPath?: string;
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to 10 s; a hung driver must not hang the controller. */
  timeoutMs?: number;
};

/**
 * The machine's NVIDIA GPUs. `[]` means CPU only: no nvidia-smi, a driver that does not answer, a non-zero exit or
 * output without GPU rows all count as "no GPUs", never as an error.
 */
export async function readGpuInventory(options: ReadGpuInventoryOptions = {}): Promise<GpuInfo[]> {
  const env = options.env ?? process.env;
  const fromEnv = env["LLMSERVE_NVIDIA_SMI"];
  const command = options.nvidiaSmiPath ?? (fromEnv !== undefined && fromEnv !== "" ? fromEnv : "nvidia-smi");
  // node:child_process rather than execa: the controller runs this at every placement, and execa would add ~5 MB
  // to its resident memory for its whole life (bench/README.md, "End-to-end").
  const stdout = await new Promise<string | undefined>((resolve) => {
    try {
      const child = execFile(
        command,
        [...NVIDIA_SMI_QUERY_ARGS],
        { timeout: options.timeoutMs ?? NVIDIA_SMI_TIMEOUT_MS, env: { ...env, LC_ALL: "C" }, encoding: "utf8" },
        (error, out) => resolve(error === null ? out : undefined),
      );
      // Like stdin "ignore": nvidia-smi gets an empty stdin (an error on it, e.g. when the spawn failed, is moot).
      child.stdin?.on("error", () => undefined).end();
    } catch {
      resolve(undefined);
    }
  });
  return stdout === undefined ? [] : parseNvidiaSmiCsv(stdout);
}
