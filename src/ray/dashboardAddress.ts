import { RayDashboardError } from "./errors/RayDashboardError.js";

/** The environment variable Ray's own `serve deploy|status|shutdown` read for the dashboard address. */
export const DASHBOARD_ADDRESS_ENV = "RAY_DASHBOARD_ADDRESS";
/** Ray's default dashboard address. */
export const DEFAULT_DASHBOARD_ADDRESS = "http://localhost:8265";

/**
 * The dashboard address to use: `flag` (from `--address`), else `$RAY_DASHBOARD_ADDRESS`, else `fallback`.
 * Returns undefined when none is given. Throws a RayDashboardError when the address is not an http(s) URL.
 */
export function resolveDashboardAddress(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  fallback?: string,
): URL | undefined {
  const fromEnv = env[DASHBOARD_ADDRESS_ENV];
  const raw = flag ?? (fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined) ?? fallback;
  return raw === undefined ? undefined : parseDashboardAddress(raw, flag === undefined ? DASHBOARD_ADDRESS_ENV : "--address");
}

/**
 * Parses a Ray dashboard address. Like Ray's CLI, it must be an http:// or https:// URL; a `ray://` client address,
 * a GCS `host:6379` address or a bare host is rejected with a message that says what to pass instead.
 */
export function parseDashboardAddress(raw: string, source = "--address"): URL {
  const trimmed = raw.trim();
  const hint =
    "Pass the Ray dashboard's HTTP address, such as http://127.0.0.1:8265 (the dashboard listens on port 8265 by default).";
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(trimmed);
  if (schemeMatch === null) {
    throw new RayDashboardError(
      "bad-address",
      `${source} '${trimmed}' is not a URL: the Ray dashboard address must start with http:// or https://. ${hint}`,
    );
  }
  const scheme = (schemeMatch[1] ?? "").toLowerCase();
  if (scheme !== "http" && scheme !== "https") {
    const what = scheme === "ray" ? " (ray:// is the Ray Client address, not the dashboard)" : "";
    throw new RayDashboardError(
      "bad-address",
      `${source} '${trimmed}' uses ${scheme}://${what}: the Ray dashboard address must be http:// or https://. ${hint}`,
    );
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new RayDashboardError("bad-address", `${source} '${trimmed}' is not a valid URL. ${hint}`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new RayDashboardError("bad-address", `${source} must not contain a user name or password. ${hint}`);
  }
  url.search = "";
  url.hash = "";
  return url;
}

/** `address` joined with an API path, keeping any path prefix of the address (a dashboard behind a proxy). */
export function dashboardUrl(address: URL, apiPath: string): URL {
  const base = address.href.endsWith("/") ? address.href : `${address.href}/`;
  return new URL(apiPath.replace(/^\//, ""), base);
}

/** The address as users typed it, without a trailing slash, for messages. */
export function displayAddress(address: URL): string {
  return address.href.replace(/\/$/, "");
}
