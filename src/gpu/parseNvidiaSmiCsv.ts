import type { GpuInfo } from "./GpuInfo.js";

const MIB = 1024 * 1024;

/**
 * Parses the output of
 * `nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.free --format=csv,noheader,nounits`
 * (memory in MiB). Lines that are not GPU rows (warnings, a header, blank lines) are skipped; a field nvidia-smi
 * could not read (`[N/A]`, `[Not Supported]`) makes free memory 0 rather than dropping the GPU.
 */
export function parseNvidiaSmiCsv(stdout: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const rawLine of stdout.split(/\r?\n/)) {
    const gpu = parseLine(rawLine.trim());
    if (gpu !== undefined) gpus.push(gpu);
  }
  return gpus.sort((a, b) => a.index - b.index);
}

function parseLine(line: string): GpuInfo | undefined {
  if (line === "") return undefined;
  const fields = line.split(",").map((field) => field.trim());
  if (fields.length < 5) return undefined;
  // A GPU name never holds a comma today; if one ever does, the name is everything between uuid and the last two.
  const indexField = fields[0] ?? "";
  const uuidField = fields[1] ?? "";
  const name = fields.slice(2, -2).join(", ");
  const total = mib(fields[fields.length - 2]);
  const free = mib(fields[fields.length - 1]);
  if (!/^\d+$/.test(indexField) || name === "" || total === undefined) return undefined;
  return {
    index: Number(indexField),
    uuid: /^(GPU|MIG)-/i.test(uuidField) ? uuidField : "",
    name,
    memoryTotalBytes: total * MIB,
    memoryFreeBytes: Math.min(free ?? 0, total) * MIB,
  };
}

function mib(field: string | undefined): number | undefined {
  if (field === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(?:\s*MiB)?$/i.exec(field);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
