import { displayAddress, parseDashboardAddress } from "./dashboardAddress.js";
import { deleteServe, getServeDetails, type DashboardRequestOptions } from "./rayDashboardClient.js";

export interface RayShutdownOptions extends DashboardRequestOptions {
  /** How long to wait for Ray to finish deleting the applications; 0 = do not wait. Defaults to 60 s. */
  waitMs?: number;
  /** Defaults to 1 s. */
  pollIntervalMs?: number;
}

export interface RayShutdownResult {
  address: string;
  /** Whether a Serve instance was running (false: nothing to shut down, no request sent). */
  found: boolean;
  /** The applications that were running. */
  applications: string[];
  /** Whether Ray reported every application gone before the wait ended. */
  completed: boolean;
  /** One line to print. */
  message: string;
}

/**
 * `llmserve shutdown -y --address URL`: shuts Ray Serve down on the cluster (every application, as Ray's
 * `serve shutdown`), after checking that Serve runs there, then waits until Ray reports the applications gone.
 * The caller asks for confirmation first.
 */
export async function rayShutdown(address: string | URL, options: RayShutdownOptions = {}): Promise<RayShutdownResult> {
  const url = typeof address === "string" ? parseDashboardAddress(address) : address;
  const where = displayAddress(url);
  const before = await getServeDetails(url, options);
  const applications = Object.keys(before.applications);
  const controllerRuns = typeof before.controller_info?.node_id === "string" && before.controller_info.node_id !== "";
  if (!controllerRuns && applications.length === 0) {
    return { address: where, found: false, applications, completed: true, message: `No Serve instance found running on the cluster at ${where}.` };
  }
  await deleteServe(url, options);

  const waitMs = options.waitMs ?? 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const deadline = Date.now() + waitMs;
  let remaining = applications;
  while (remaining.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollIntervalMs, Math.max(0, deadline - Date.now()))));
    remaining = Object.keys((await getServeDetails(url, options)).applications);
  }
  const names = applications.length === 0 ? "no applications" : applications.map((name) => `'${name}'`).join(", ");
  if (remaining.length === 0) {
    return { address: where, found: true, applications, completed: true, message: `Shut down Serve on the cluster at ${where} (${names}).` };
  }
  return {
    address: where,
    found: true,
    applications,
    completed: false,
    message:
      `Sent the shutdown request to ${where}; Ray is still deleting ${remaining.map((n) => `'${n}'`).join(", ")} ` +
      `(check with llmserve status --address ${where}).`,
  };
}
