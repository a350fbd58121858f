import { stringify } from "yaml";
import { parseDashboardAddress } from "./dashboardAddress.js";
import { getServeDetails, type DashboardRequestOptions } from "./rayDashboardClient.js";
import { collectSecretValues, scrubSecrets, secretValuesFromEnv } from "./secrets.js";
import type { ServeInstanceDetails } from "./ServeInstanceDetails.js";

/** What Ray's `serve status` prints, as data: the same keys in the same order. */
export interface RayServeStatus {
  /** Proxy status per node id (HEALTHY, UNHEALTHY, ...). */
  proxies: { [nodeId: string]: string };
  applications: { [name: string]: RayApplicationStatus };
  target_capacity: number | null;
}

export interface RayApplicationStatus {
  /** NOT_STARTED, DEPLOYING, DEPLOY_FAILED, RUNNING, UNHEALTHY or DELETING. */
  status: string;
  message: string;
  /** Unix seconds. */
  last_deployed_time_s: number;
  deployments: { [name: string]: RayDeploymentStatus };
}

export interface RayDeploymentStatus {
  /** UPDATING, HEALTHY, UNHEALTHY, DEPLOY_FAILED, UPSCALING or DOWNSCALING. */
  status: string;
  /** CONFIG_UPDATE_STARTED, AUTOSCALING, HEALTH_CHECK_FAILED, ... */
  status_trigger: string;
  /** Replica state (STARTING, RUNNING, ...) -> count; only states that have replicas. */
  replica_states: { [state: string]: number };
  message: string;
}

/**
 * `llmserve status --address URL`: the status of every Serve application on the Ray cluster, in the shape of
 * Ray's `serve status`. Secrets of the deployed configs are scrubbed from every message.
 */
export async function rayStatus(address: string | URL, options: DashboardRequestOptions = {}): Promise<RayServeStatus> {
  const url = typeof address === "string" ? parseDashboardAddress(address) : address;
  return serveStatusFromDetails(await getServeDetails(url, options), options.secrets);
}

/** Ray's `_get_status` reduction of `ServeInstanceDetails`, with messages scrubbed of secrets. */
export function serveStatusFromDetails(details: ServeInstanceDetails, extraSecrets: readonly string[] = []): RayServeStatus {
  const secrets = [...extraSecrets, ...secretValuesFromEnv()];
  for (const app of Object.values(details.applications)) secrets.push(...collectSecretValues(app.deployed_app_config));
  const clean = (text: unknown): string => scrubSecrets(typeof text === "string" ? text : "", secrets);

  const proxies: RayServeStatus["proxies"] = {};
  for (const [nodeId, proxy] of Object.entries(details.proxies ?? {})) proxies[nodeId] = String(proxy.status ?? "UNKNOWN");

  const applications: RayServeStatus["applications"] = {};
  for (const [name, app] of Object.entries(details.applications)) {
    const deployments: RayApplicationStatus["deployments"] = {};
    for (const [deploymentName, deployment] of Object.entries(app.deployments ?? {})) {
      const replicaStates: { [state: string]: number } = {};
      for (const replica of deployment.replicas ?? []) {
        const state = String(replica.state ?? "UNKNOWN");
        replicaStates[state] = (replicaStates[state] ?? 0) + 1;
      }
      deployments[deploymentName] = {
        status: String(deployment.status ?? "UNKNOWN"),
        status_trigger: String(deployment.status_trigger ?? "UNSPECIFIED"),
        replica_states: replicaStates,
        message: clean(deployment.message),
      };
    }
    applications[name] = {
      status: String(app.status ?? "UNKNOWN"),
      message: clean(app.message),
      last_deployed_time_s: typeof app.last_deployed_time_s === "number" ? app.last_deployed_time_s : 0,
      deployments,
    };
  }
  return { proxies, applications, target_capacity: details.target_capacity ?? null };
}

/** The status as Ray's `serve status` prints it: block YAML, keys in Ray's order, multi-line messages as `|` blocks. */
export function formatServeStatus(status: RayServeStatus): string {
  return stringify(status, { singleQuote: true, blockQuote: "literal", lineWidth: 0 });
}
