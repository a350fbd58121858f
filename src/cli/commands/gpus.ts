import { Command } from "commander";
import { formatGib } from "../../gpu/formatGib.js";
import type { GpuInfo } from "../../gpu/GpuInfo.js";
import { readGpuInventory } from "../../gpu/readGpuInventory.js";

/** `llmserve gpus [--json]`: the GPUs llmserve can place replicas on (nvidia-smi's view), or "CPU only". */
export function gpusCommand(): Command {
  return new Command("gpus")
    .description("list this machine's NVIDIA GPUs with their free memory (what accelerator_type is matched against)")
    .option("--json", "print the inventory as JSON (memory in bytes)")
    .action(async (options: { json?: boolean }) => {
      const gpus = await readGpuInventory();
      process.stdout.write(options.json === true ? `${JSON.stringify(gpus, null, 2)}\n` : formatGpuTable(gpus));
    });
}

/** The human table `llmserve gpus` prints. */
export function formatGpuTable(gpus: readonly GpuInfo[]): string {
  if (gpus.length === 0) return "no GPUs found: CPU only (nvidia-smi is missing or lists no GPU)\n";
  const rows = [
    ["INDEX", "NAME", "FREE", "TOTAL", "UUID"],
    ...gpus.map((gpu) => [String(gpu.index), gpu.name, formatGib(gpu.memoryFreeBytes), formatGib(gpu.memoryTotalBytes), gpu.uuid]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd()).join("\n") + "\n";
}
