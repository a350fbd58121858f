/** The JSON lines a replica prints on stdout (one per line, nothing else goes to stdout). See DESIGN.md. */
export type ReplicaEvent =
  | { readonly event: "listening"; readonly host: string; readonly port: number }
  | { readonly event: "progress"; readonly phase: "downloading"; readonly downloadedBytes: number; readonly totalBytes: number | null }
  | { readonly event: "progress"; readonly phase: "loading"; readonly fraction: number }
  | { readonly event: "ready" }
  | { readonly event: "failed"; readonly reason: string };

/** Writes one event line to `out` (stdout by default). */
export function writeReplicaEvent(event: ReplicaEvent, out: NodeJS.WritableStream = process.stdout): void {
  out.write(`${JSON.stringify(event)}\n`);
}
