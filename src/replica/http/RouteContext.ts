import type { IncomingMessage, ServerResponse } from "node:http";
import type { ReplicaRuntime } from "../ReplicaRuntime.js";

/** What every route handler gets. */
export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly runtime: ReplicaRuntime;
  /** Writes one log line to stderr (never request bodies or secrets). */
  readonly log: (line: string) => void;
}
