import type { EnginePath } from "./EnginePath.js";
import { parseJsonObject } from "./parseJsonObject.js";

/** The JSON lines a replica prints on stdout (one per line, nothing else goes to stdout). See DESIGN.md. */
export type ReplicaEvent =
  | { readonly event: "listening"; readonly host: string; readonly port: number }
  | { readonly event: "progress"; readonly phase: "downloading"; readonly downloadedBytes: number; readonly totalBytes: number | null }
  | { readonly event: "progress"; readonly phase: "loading"; readonly fraction: number }
  | { readonly event: "progress"; readonly phase: "building"; readonly what: string }
  | ({ readonly event: "engine" } & EnginePath)
  | { readonly event: "ready" }
  | { readonly event: "failed"; readonly reason: string };

/** One event as its stdout line. */
export function formatReplicaEvent(event: ReplicaEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/** Writes one event line to `out` (stdout by default). */
export function writeReplicaEvent(event: ReplicaEvent, out: NodeJS.WritableStream = process.stdout): void {
  out.write(formatReplicaEvent(event));
}

/** Parses one stdout line; undefined for anything that is not a well-formed event (logged, never fatal). */
export function parseReplicaEvent(line: string): ReplicaEvent | undefined {
  const record = parseJsonObject(line);
  if (record === undefined) return undefined;
  switch (record["event"]) {
    case "listening":
      return typeof record["port"] === "number"
        ? { event: "listening", host: typeof record["host"] === "string" ? record["host"] : "127.0.0.1", port: record["port"] }
        : undefined;
    case "progress":
      if (record["phase"] === "downloading" && typeof record["downloadedBytes"] === "number") {
        const total = record["totalBytes"];
        return {
          event: "progress",
          phase: "downloading",
          downloadedBytes: record["downloadedBytes"],
          totalBytes: typeof total === "number" ? total : null,
        };
      }
      if (record["phase"] === "loading" && typeof record["fraction"] === "number") {
        return { event: "progress", phase: "loading", fraction: record["fraction"] };
      }
      if (record["phase"] === "building") {
        return { event: "progress", phase: "building", what: typeof record["what"] === "string" ? record["what"] : "native code" };
      }
      return undefined;
    case "engine":
      return parseEnginePath(record);
    case "ready":
      return { event: "ready" };
    case "failed":
      return { event: "failed", reason: typeof record["reason"] === "string" ? record["reason"] : "unknown reason" };
    default:
      return undefined;
  }
}

const GENERATIONS = ["native", "stock"] as const;
const KERNELS = ["local", "prebuilt"] as const;
const BACKENDS = ["cuda", "vulkan", "metal", "cpu"] as const;
const WEIGHTS = ["huge-pages", "copied", "mapped"] as const;

function parseEnginePath(record: Record<string, unknown>): ReplicaEvent | undefined {
  const generation = GENERATIONS.find((value) => value === record["generation"]);
  const cpuKernels = KERNELS.find((value) => value === record["cpuKernels"]);
  const backend = BACKENDS.find((value) => value === record["backend"]);
  const weights = WEIGHTS.find((value) => value === record["weights"]);
  if (generation === undefined || cpuKernels === undefined || backend === undefined || weights === undefined) return undefined;
  const warnings = Array.isArray(record["warnings"]) ? record["warnings"].filter((item): item is string => typeof item === "string") : [];
  return { event: "engine", generation, cpuKernels, backend, weights, warnings };
}
