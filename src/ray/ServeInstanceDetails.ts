/**
 * The JSON `GET /api/serve/applications/` returns (Ray's `ServeInstanceDetails`), as far as llmserve reads it.
 * Every field is optional: older and newer Ray versions add and drop fields.
 */
export interface ServeInstanceDetails {
  controller_info?: { node_id?: string | null; [key: string]: unknown };
  proxy_location?: string | null;
  http_options?: { [key: string]: unknown } | null;
  proxies?: { [nodeId: string]: { status?: string; [key: string]: unknown } };
  applications: { [name: string]: ServeApplicationDetails };
  target_capacity?: number | null;
  [key: string]: unknown;
}

export interface ServeApplicationDetails {
  name?: string;
  route_prefix?: string | null;
  status?: string;
  message?: string;
  last_deployed_time_s?: number;
  deployed_app_config?: { [key: string]: unknown } | null;
  deployments?: { [name: string]: ServeDeploymentDetails };
  [key: string]: unknown;
}

export interface ServeDeploymentDetails {
  name?: string;
  status?: string;
  status_trigger?: string;
  message?: string;
  replicas?: Array<{ state?: string; [key: string]: unknown }>;
  [key: string]: unknown;
}
