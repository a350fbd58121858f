import { readFileSync } from "node:fs";
import os from "node:os";

/** What a result is only comparable with: cores, CPU, memory, load, versions. */
export function machineInfo() {
  let nodeLlamaCpp;
  try {
    nodeLlamaCpp = JSON.parse(readFileSync(new URL("../../node_modules/node-llama-cpp/package.json", import.meta.url), "utf8")).version;
  } catch {
    nodeLlamaCpp = "unknown";
  }
  return {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
    nodeLlamaCpp,
    llmserve: process.env.LLMSERVE_BENCH_INSTALLED ? `installed package at ${process.env.LLMSERVE_BENCH_INSTALLED}` : "this clone",
  };
}
