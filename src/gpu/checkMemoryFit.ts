import { formatGib } from "./formatGib.js";
import type { GpuInfo } from "./GpuInfo.js";

export type MemoryFit = {
  readonly fits: boolean;
  readonly requiredBytes: number;
  readonly freeBytes: number;
  /** `needs 21.3 GiB, 2 x A100-40G have 14.1 GiB free`; the same sentence whether or not it fits. */
  readonly message: string;
};

/**
 * Whether `requiredBytes` fits the summed free memory of the GPUs a replica was given (llama.cpp splits layers
 * across the visible devices by their free memory). `label` names the GPUs in the message: the accelerator_type
 * when there is one; by default the GPUs' own names.
 */
export function checkMemoryFit(requiredBytes: number, gpus: readonly GpuInfo[], label?: string): MemoryFit {
  const freeBytes = gpus.reduce((sum, gpu) => sum + gpu.memoryFreeBytes, 0);
  const names = [...new Set(gpus.map((gpu) => gpu.name))];
  const what = label ?? (names.length === 1 ? names[0] : "GPU");
  const verb = gpus.length === 1 ? "has" : "have";
  return {
    fits: requiredBytes <= freeBytes,
    requiredBytes,
    freeBytes,
    message: `needs ${formatGib(requiredBytes)}, ${gpus.length} x ${what} ${verb} ${formatGib(freeBytes)} free`,
  };
}
