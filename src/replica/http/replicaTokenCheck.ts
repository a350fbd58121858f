import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { REPLICA_TOKEN_HEADER } from "../../protocol/replicaToken.js";

/** Whether a request may be served: `GET /health` always (it reveals no model), anything else with the token. */
export function replicaTokenCheck(token: string): (req: IncomingMessage) => boolean {
  const wanted = Buffer.from(token);
  return (req) => {
    if (req.method === "GET" && (req.url === "/health" || req.url?.startsWith("/health?") === true)) return true;
    const header = req.headers[REPLICA_TOKEN_HEADER];
    const given = Buffer.from(typeof header === "string" ? header : "");
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  };
}
