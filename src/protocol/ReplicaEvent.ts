import { parseJsonObject } from "./parseJsonObject.js";

/** The JSON lines a replica prints on stdout (one per line, nothing else goes to stdout). See DESIGN.md. */
export type ReplicaEvent =
  | { readonly event: "listening"; readonly host: string; readonly port: number }
  | { readonly event: "progress"; readonly phase: "downloading"; readonly downloadedBytes: number; readonly totalBytes: number | null }
  | { readonly event: "progress"; readonly phase: "loading"; readonly fraction: number }
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
      return undefined;
    case "ready":
      return { event: "ready" };
    case "failed":
      return { event: "failed", reason: typeof record["reason"] === "string" ? record["reason"] : "unknown reason" };
    default:
      return undefined;
  }
}
