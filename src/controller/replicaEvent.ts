/** The JSON event lines a replica writes on stdout (DESIGN.md, Replica), one per line. */
export type ReplicaEvent =
  | { event: "listening"; host: string; port: number }
  | { event: "progress"; phase: "downloading"; downloadedBytes: number; totalBytes?: number }
  | { event: "progress"; phase: "loading"; fraction: number }
  | { event: "ready" }
  | { event: "failed"; reason: string };

/** Parses one stdout line; undefined for anything that is not a well-formed event (logged, never fatal). */
export function parseReplicaEvent(line: string): ReplicaEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
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
          ...(typeof total === "number" ? { totalBytes: total } : {}),
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
