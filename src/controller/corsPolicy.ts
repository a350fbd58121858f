import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { ResolvedCorsOptions } from "../config/ResolvedConfig.js";

const ALLOWED_METHODS = "GET, POST, OPTIONS";

/** What to do with a request that carries an `Origin` header (browsers send it on every cross-origin request). */
export type CorsDecision =
  /** A preflight from an allowed origin: answer 204 with these headers and stop. */
  | { kind: "preflight"; headers: OutgoingHttpHeaders }
  /** A preflight from an origin not allowed (or CORS not configured): answer 403 and stop. */
  | { kind: "refused"; message: string }
  /** An actual request: add these headers to the answer (none when the origin is not allowed) and serve it. */
  | { kind: "request"; headers: OutgoingHttpHeaders | undefined };

/**
 * http_options.cors as a pure decision per request. Without `cors` only same-origin pages can call the API: a
 * cross-origin answer carries no Access-Control-Allow-Origin, so the browser withholds it. Credentials are never
 * allowed: the API key travels in a header the page sets, not in a cookie.
 */
export function corsDecision(cors: ResolvedCorsOptions | undefined, method: string | undefined,
  headers: IncomingHttpHeaders): CorsDecision {
  const origin = headers.origin;
  const preflight = method === "OPTIONS" && headers["access-control-request-method"] !== undefined;
  const allowed = origin !== undefined && cors !== undefined && originAllowed(cors.allowed_origins, origin);
  if (preflight) {
    if (!allowed) {
      return {
        kind: "refused",
        message: cors === undefined
          ? `Cross-origin requests are not enabled (origin ${origin ?? "none"}); list the origin in http_options.cors.allowed_origins.`
          : `The origin ${origin ?? "none"} is not in http_options.cors.allowed_origins.`,
      };
    }
    return {
      kind: "preflight",
      headers: {
        ...allowOrigin(cors.allowed_origins, origin),
        "access-control-allow-methods": ALLOWED_METHODS,
        "access-control-allow-headers": cors.allowed_headers.join(", "),
        "access-control-max-age": String(cors.max_age_s),
      },
    };
  }
  if (!allowed) return { kind: "request", headers: undefined };
  return {
    kind: "request",
    headers: { ...allowOrigin(cors.allowed_origins, origin), "access-control-expose-headers": "x-request-id, x-llmserve-origin" },
  };
}

function originAllowed(allowed: readonly string[], origin: string): boolean {
  const wanted = origin.toLowerCase();
  return allowed.some((entry) => entry === "*" || entry.toLowerCase() === wanted);
}

function allowOrigin(allowed: readonly string[], origin: string): OutgoingHttpHeaders {
  if (allowed.includes("*")) return { "access-control-allow-origin": "*" };
  return { "access-control-allow-origin": origin, vary: "Origin" };
}
