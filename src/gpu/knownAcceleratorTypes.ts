/**
 * Where an accelerator type can run:
 * - `nvidia`: an NVIDIA GPU; llmserve places it on this machine and Ray schedules it on a labelled node.
 * - `cpu`: llmserve's CPU mode (dropped when translating for Ray, which has no such accelerator type).
 * - `ray-only`: valid for a Ray cluster (TPU, AMD, Intel, ...), but llmserve cannot run it locally.
 */
export type AcceleratorKind = "nvidia" | "cpu" | "ray-only";

/** Ray's names (ray.util.accelerators) first; then cards Ray has no constant for, spelled the way Ray would. */
const NVIDIA_RAY_TYPES = [
  "V100", "P100", "T4", "P4", "K80", "A10G", "L4", "L40S", "A100", "H100", "H200", "H20", "B200", "A100-40G", "A100-80G",
] as const;
const NVIDIA_LOCAL_TYPES = [
  "A10", "A2", "A30", "A40", "L40", "L20", "GH200", "B100", "GB200", "P40",
  "RTX-A4000", "RTX-A5000", "RTX-A6000", "RTX-6000-ADA", "RTX-PRO-6000",
  "RTX-2080", "RTX-2080-TI", "RTX-3060", "RTX-3070", "RTX-3080", "RTX-3080-TI", "RTX-3090", "RTX-3090-TI",
  "RTX-4060", "RTX-4060-TI", "RTX-4070", "RTX-4070-TI", "RTX-4070-SUPER", "RTX-4080", "RTX-4080-SUPER", "RTX-4090",
  "RTX-5060", "RTX-5070", "RTX-5070-TI", "RTX-5080", "RTX-5090",
] as const;
const RAY_ONLY_TYPES = [
  "Intel-GPU-Max-1550", "Intel-GPU-Max-1100", "Intel-GAUDI", "AMD-Instinct-MI100", "AMD-Instinct-MI250X",
  "AMD-Instinct-MI250X-MI250", "AMD-Instinct-MI210", "AMD-Instinct-MI300A", "AMD-Instinct-MI300X-OAM",
  "AMD-Instinct-MI300X-HF", "AMD-Instinct-MI308X", "AMD-Instinct-MI325X-OAM", "AMD-Instinct-MI350X-OAM",
  "AMD-Instinct-MI355X-OAM", "AMD-Radeon-R9-200-HD-7900", "AMD-Radeon-HD-7900", "aws-neuron-core", "TPU-V2", "TPU-V3",
  "TPU-V4", "TPU-V5P", "TPU-V5LITEPOD", "TPU-V6E", "Ascend910B", "Ascend910B4", "MXC500", "MXC550",
] as const;

/** Every accelerator_type llmserve accepts, in canonical spelling. */
export const knownAcceleratorTypes: readonly string[] = Object.freeze([
  "CPU", ...NVIDIA_RAY_TYPES, ...NVIDIA_LOCAL_TYPES, ...RAY_ONLY_TYPES,
]);

export type AcceleratorTypeInfo = {
  /** Canonical spelling, e.g. `A100-40G`, `RTX-4090`, `CPU`. */
  readonly name: string;
  readonly kind: AcceleratorKind;
  /** Whether Ray itself knows the name (a `ray` deployment keeps it; others need a Ray custom resource). */
  readonly knownToRay: boolean;
};

const BY_KEY = new Map<string, AcceleratorTypeInfo>();
for (const name of knownAcceleratorTypes) {
  const kind: AcceleratorKind = name === "CPU" ? "cpu" : (RAY_ONLY_TYPES as readonly string[]).includes(name) ? "ray-only" : "nvidia";
  const knownToRay = kind === "ray-only" || (NVIDIA_RAY_TYPES as readonly string[]).includes(name);
  BY_KEY.set(acceleratorKey(name), Object.freeze({ name, kind, knownToRay }));
}
// How people also write them: the memory with "GB", Ray's own alias A10 -> A10G is kept apart (both exist locally).
const ALIASES: Record<string, string> = { A10040GB: "A100-40G", A10080GB: "A100-80G", RTXA6000: "RTX-A6000" };

/**
 * Looks a user-written accelerator_type up, ignoring case, spaces, `-`/`_` and a leading NVIDIA/GeForce/Tesla:
 * `a100-40g`, `A100 40GB`, `RTX 4090`, `rtx4090`, `GeForce RTX 4090` all resolve. `undefined` when unknown.
 */
export function findAcceleratorType(type: string): AcceleratorTypeInfo | undefined {
  const key = acceleratorKey(type);
  return BY_KEY.get(key) ?? BY_KEY.get(acceleratorKey(ALIASES[key] ?? ""));
}

/** Whether `type` names a known accelerator (see `findAcceleratorType` for the spellings accepted). */
export function isKnownAcceleratorType(type: string): boolean {
  return findAcceleratorType(type) !== undefined;
}

function acceleratorKey(type: string): string {
  return type
    .toUpperCase()
    .replace(/^\s*(NVIDIA\s+)?(GEFORCE\s+|TESLA\s+)?/, "")
    .replace(/[\s_-]+/g, "");
}
