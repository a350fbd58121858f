import { displayAddress } from "./dashboardAddress.js";
import { getServeDetails, putServeConfig, type DashboardRequestOptions } from "./rayDashboardClient.js";
import { serveStatusFromDetails, type RayServeStatus } from "./rayStatus.js";
import { collectSecretValues } from "./secrets.js";
import type { ServeInstanceDetails } from "./ServeInstanceDetails.js";
import type { RayServeDeployConfig } from "./translateForRay.js";

export interface RayDeployOptions extends DashboardRequestOptions {
  /** Wait until every application is RUNNING, or one failed. Defaults to false (Ray deploys asynchronously). */
  wait?: boolean;
  /** Bound of the wait. Defaults to 30 minutes (large models take long to download and load). */
  waitTimeoutMs?: number;
  /** Defaults to 2 s. */
  pollIntervalMs?: number;
  /** Called with each status seen while waiting. */
  onStatus?: (status: RayServeStatus) => void;
}

export interface RayDeployResult {
  address: string;
  /** The applications of the config, by name. */
  applications: string[];
  /** Live applications the config does not list: Ray deletes them (its deploy is declarative for the cluster). */
  removedApplications: string[];
  /** Things to tell the user (http_options Ray will not change while Serve runs, ...). */
  warnings: string[];
  /** With `wait`: the last status seen. */
  status?: RayServeStatus;
  /** With `wait`: how it ended. */
  outcome?: "running" | "failed" | "timed-out";
}

const FAILED_STATUSES = new Set(["DEPLOY_FAILED", "UNHEALTHY"]);

/**
 * `llmserve deploy`: checks the cluster (so a wrong address fails before anything is sent), sends the translated
 * config with `PUT /api/serve/applications/`, and with `wait` follows the applications until they run or fail.
 */
export async function rayDeploy(
  address: URL,
  config: RayServeDeployConfig,
  options: RayDeployOptions = {},
): Promise<RayDeployResult> {
  const secrets = [...(options.secrets ?? []), ...collectSecretValues(config)];
  const requestOptions: DashboardRequestOptions = { ...options, secrets };
  const before = await getServeDetails(address, requestOptions);
  const applications = config.applications.map((app) => (typeof app["name"] === "string" ? app["name"] : "default"));
  const removedApplications = Object.keys(before.applications).filter((name) => !applications.includes(name));
  const warnings = httpOptionWarnings(before, config);

  await putServeConfig(address, config, requestOptions);
  const result: RayDeployResult = { address: displayAddress(address), applications, removedApplications, warnings };
  if (options.wait !== true) return result;

  const deadline = Date.now() + (options.waitTimeoutMs ?? 30 * 60_000);
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  for (;;) {
    const details = await getServeDetails(address, requestOptions);
    const status = serveStatusFromDetails(details, secrets);
    options.onStatus?.(status);
    result.status = status;
    const current = applications.map((name) => ({ name, app: details.applications[name] }));
    const applied = current.every(
      ({ name, app }) =>
        app !== undefined &&
        (isApplied(app.deployed_app_config, config, name) ||
          before.applications[name] === undefined ||
          app.last_deployed_time_s !== before.applications[name]?.last_deployed_time_s),
    );
    if (applied && current.some(({ app }) => FAILED_STATUSES.has(String(app?.status)))) return { ...result, outcome: "failed" };
    if (applied && current.every(({ app }) => app?.status === "RUNNING")) return { ...result, outcome: "running" };
    if (Date.now() >= deadline) return { ...result, outcome: "timed-out" };
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollIntervalMs, Math.max(0, deadline - Date.now()))));
  }
}

/**
 * Whether Ray reports the config we sent as the application's deployed config (not the previous one). Ray may
 * normalise what it stores, so a new application or a changed last_deployed_time_s also counts as applied.
 */
function isApplied(deployed: unknown, config: RayServeDeployConfig, name: string): boolean {
  const sent = config.applications.find((app) => (app["name"] ?? "default") === name);
  return deployed === undefined || deployed === null || canonical(deployed) === canonical(sent);
}

/**
 * Ray cannot change http_options or proxy_location while Serve runs (newer `serve deploy` refuses, older ones
 * ignore the change silently); say so instead of letting the user wonder why the port did not move.
 */
function httpOptionWarnings(before: ServeInstanceDetails, config: RayServeDeployConfig): string[] {
  const controllerRuns = typeof before.controller_info?.node_id === "string" && before.controller_info.node_id !== "";
  if (!controllerRuns) return [];
  const warnings: string[] = [];
  const live = before.http_options ?? {};
  const wanted = config["http_options"];
  if (typeof wanted === "object" && wanted !== null) {
    for (const [key, value] of Object.entries(wanted as Record<string, unknown>)) {
      if (key in live && canonical(live[key]) !== canonical(value)) {
        warnings.push(
          `http_options.${key} is ${JSON.stringify(value)} in the file but ${JSON.stringify(live[key])} on the running ` +
            "cluster; Ray keeps its HTTP options while Serve runs (shut Serve down with llmserve shutdown --address to change them).",
        );
      }
    }
  }
  const proxyLocation = config["proxy_location"];
  if (proxyLocation !== undefined && before.proxy_location !== undefined && before.proxy_location !== proxyLocation) {
    warnings.push(
      `proxy_location is ${JSON.stringify(proxyLocation)} in the file but ${JSON.stringify(before.proxy_location)} on the running cluster; ` +
        "Ray keeps it while Serve runs.",
    );
  }
  return warnings;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, node: unknown) =>
    typeof node === "object" && node !== null && !Array.isArray(node)
      ? Object.fromEntries(Object.entries(node).sort(([a], [b]) => a.localeCompare(b)))
      : node,
  );
}
