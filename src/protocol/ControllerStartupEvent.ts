import { parseJsonObject } from "./parseJsonObject.js";

/** The controller's one start-up line on stdout, read by `run`; after it the controller writes nothing to stdout. */
export type ControllerStartupEvent =
  | { readonly event: "started"; readonly pid: number; readonly adminPort: number; readonly port: number }
  | { readonly event: "failed"; readonly reason: string };

export function formatControllerStartupEvent(event: ControllerStartupEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/** The event on `line`; anything else is a `failed` event quoting the line. */
export function parseControllerStartupEvent(line: string): ControllerStartupEvent {
  const record = parseJsonObject(line);
  if (record?.["event"] === "started") {
    const { pid, adminPort, port } = record;
    if (typeof pid === "number" && typeof adminPort === "number" && typeof port === "number") {
      return { event: "started", pid, adminPort, port };
    }
  }
  if (record?.["event"] === "failed" && typeof record["reason"] === "string") {
    return { event: "failed", reason: record["reason"] };
  }
  return { event: "failed", reason: `unexpected controller output: ${line}` };
}
