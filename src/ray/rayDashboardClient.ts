import { request } from "undici";
import { dashboardUrl, displayAddress } from "./dashboardAddress.js";
import { RayDashboardError } from "./errors/RayDashboardError.js";
import { scrubSecrets, secretValuesFromEnv } from "./secrets.js";
import type { ServeInstanceDetails } from "./ServeInstanceDetails.js";
import { DASHBOARD_TIMEOUT_MS } from "./timeouts.js";
import type { RayServeDeployConfig } from "./translateForRay.js";

/** Ray's Serve REST API path (multi-application API). */
export const SERVE_APPLICATIONS_PATH = "/api/serve/applications/";

export interface DashboardRequestOptions {
  /** Time budget of the whole request, body included. Defaults to {@link DASHBOARD_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Values scrubbed from every error message (the config's secrets). Secret-named local env vars always are. */
  secrets?: readonly string[];
}

/** `GET /api/serve/applications/`: the state of Serve on the cluster. */
export async function getServeDetails(address: URL, options: DashboardRequestOptions = {}): Promise<ServeInstanceDetails> {
  const response = await send(address, "GET", SERVE_APPLICATIONS_PATH, undefined, options);
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    throw notDashboard(address, response.contentType, "GET");
  }
  if (typeof parsed !== "object" || parsed === null || !isObject((parsed as Record<string, unknown>)["applications"])) {
    throw notDashboard(address, response.contentType, "GET");
  }
  return parsed as ServeInstanceDetails;
}

/** `PUT /api/serve/applications/`: declaratively applies `config` (Ray deletes live apps it does not list). */
export async function putServeConfig(
  address: URL,
  config: RayServeDeployConfig,
  options: DashboardRequestOptions = {},
): Promise<void> {
  await send(address, "PUT", SERVE_APPLICATIONS_PATH, JSON.stringify(config), options);
}

/** `DELETE /api/serve/applications/`: shuts Serve down on the cluster (asynchronously). */
export async function deleteServe(address: URL, options: DashboardRequestOptions = {}): Promise<void> {
  await send(address, "DELETE", SERVE_APPLICATIONS_PATH, undefined, options);
}

/** `GET /api/ray/version`: the cluster's Ray version, or undefined when the server does not answer it as Ray does. */
export async function getRayVersion(address: URL, options: DashboardRequestOptions = {}): Promise<string | undefined> {
  try {
    const response = await send(address, "GET", "/api/ray/version", undefined, options);
    const parsed = JSON.parse(response.body) as unknown;
    const version = isObject(parsed) ? parsed["ray_version"] : undefined;
    return typeof version === "string" ? version : undefined;
  } catch {
    return undefined;
  }
}

interface DashboardResponse {
  body: string;
  contentType: string;
}

async function send(
  address: URL,
  method: "GET" | "PUT" | "DELETE",
  apiPath: string,
  body: string | undefined,
  options: DashboardRequestOptions,
): Promise<DashboardResponse> {
  const timeoutMs = options.timeoutMs ?? DASHBOARD_TIMEOUT_MS;
  const secrets = [...(options.secrets ?? []), ...secretValuesFromEnv()];
  const where = displayAddress(address);
  const what = `${method} ${apiPath}`;
  let statusCode: number;
  let text: string;
  let contentType: string;
  try {
    const response = await request(dashboardUrl(address, apiPath), {
      method,
      body,
      headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    statusCode = response.statusCode;
    contentType = String(response.headers["content-type"] ?? "");
    text = await response.body.text();
  } catch (error) {
    throw networkError(error, where, what, timeoutMs);
  }
  if (statusCode >= 200 && statusCode < 300) return { body: text, contentType };
  throw await statusError(address, statusCode, contentType, text, what, secrets, options);
}

async function statusError(
  address: URL,
  statusCode: number,
  contentType: string,
  text: string,
  what: string,
  secrets: readonly string[],
  options: DashboardRequestOptions,
): Promise<RayDashboardError> {
  const where = displayAddress(address);
  const detail = scrubSecrets(clip(text.trim()), secrets);
  switch (statusCode) {
    case 400:
      return new RayDashboardError("rejected", `Ray rejected the config (400 Bad Request from ${where}):\n${detail}`);
    case 404:
    case 405: {
      if (looksLikeHtml(contentType, text)) return notDashboard(address, contentType, what.split(" ")[0] ?? "");
      const version = await getRayVersion(address, { ...options, timeoutMs: Math.min(options.timeoutMs ?? DASHBOARD_TIMEOUT_MS, 10_000) });
      return new RayDashboardError(
        "no-serve-api",
        version === undefined
          ? `${where} answered ${statusCode} to ${what}: it is not a Ray dashboard, or its Ray is too old to have ` +
              `Serve's REST API. Pass the dashboard address (port 8265 by default) of a cluster running a recent ` +
              `Ray with pip install "ray[serve,llm]".`
          : `The Ray ${version} cluster at ${where} has no Serve REST API (${statusCode} on ${what}): this Ray is too ` +
              `old. Upgrade the cluster to a recent Ray with Ray Serve LLM (pip install -U "ray[serve,llm]").`,
      );
    }
    case 501:
      return new RayDashboardError(
        "serve-not-installed",
        `Ray Serve is not installed on the cluster at ${where}: run pip install "ray[serve,llm]" on its nodes and restart Ray.`,
      );
    case 503:
      return new RayDashboardError(
        "controller-unavailable",
        `The Ray dashboard at ${where} could not reach the Serve controller (503)${detail === "" ? "" : `: ${detail}`}. ` +
          "The cluster may be starting or its GCS down; retry in a moment.",
      );
    default:
      if (looksLikeHtml(contentType, text)) return notDashboard(address, contentType, what.split(" ")[0] ?? "");
      return new RayDashboardError(
        "http-error",
        `The Ray dashboard at ${where} answered ${statusCode} to ${what}${detail === "" ? "." : `:\n${detail}`}`,
      );
  }
}

function networkError(error: unknown, where: string, what: string, timeoutMs: number): RayDashboardError {
  const name = error instanceof Error ? error.name : "";
  const code = errorCode(error);
  if (name === "TimeoutError" || name === "AbortError" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    return new RayDashboardError(
      "timeout",
      `The Ray dashboard at ${where} did not answer ${what} within ${formatSeconds(timeoutMs)}. ` +
        "Check that the address is the dashboard's (port 8265 by default) and that the cluster is healthy, or allow more time with --timeout.",
    );
  }
  if (code === "ECONNREFUSED") {
    return new RayDashboardError(
      "connection-refused",
      `Cannot reach the Ray dashboard at ${where}: connection refused. Is the Ray cluster running (ray start --head) ` +
        "and is this its dashboard address (port 8265 by default)?",
    );
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new RayDashboardError("unreachable", `Cannot reach the Ray dashboard at ${where}: host not found (${code}).`);
  }
  if (name === "HTTPParserError" || code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code?.startsWith("HPE_") === true) {
    return new RayDashboardError(
      "not-dashboard",
      `${where} closed the connection or did not answer in HTTP: it is not a Ray dashboard. Pass the dashboard's ` +
        "http:// address (port 8265 by default); an https:// dashboard needs an https:// address.",
    );
  }
  if (code?.startsWith("ERR_SSL") === true || code === "EPROTO" || code === "DEPTH_ZERO_SELF_SIGNED_CERT" || code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE") {
    return new RayDashboardError(
      "unreachable",
      `Cannot reach the Ray dashboard at ${where}: the TLS handshake failed (${code}). Use http:// if the dashboard does not serve HTTPS.`,
    );
  }
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new RayDashboardError("unreachable", `Cannot reach the Ray dashboard at ${where}: ${reason}.`);
}

function notDashboard(address: URL, contentType: string, method: string): RayDashboardError {
  const got = contentType === "" ? "an answer that is not JSON" : `${contentType.split(";")[0]}, not Ray's JSON`;
  return new RayDashboardError(
    "not-dashboard",
    `${displayAddress(address)} answered ${method} ${SERVE_APPLICATIONS_PATH} with ${got}: it is not a Ray dashboard. ` +
      "Pass the dashboard address (port 8265 by default), not the Serve HTTP port (8000) or another service.",
  );
}

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function looksLikeHtml(contentType: string, text: string): boolean {
  return contentType.includes("text/html") || /^\s*<(!doctype|html)/i.test(text);
}

function clip(text: string): string {
  return text.length > 4000 ? `${text.slice(0, 4000)}… (${text.length - 4000} more characters)` : text;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
