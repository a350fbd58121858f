import { Option } from "commander";
import { ActionableError } from "../../errors/ActionableError.js";
import { resolveDashboardAddress } from "../../ray/dashboardAddress.js";
import { DASHBOARD_TIMEOUT_MS } from "../../ray/timeouts.js";

/**
 * The `--address URL` option shared by `deploy`, `status` and `shutdown`: the Ray dashboard's http(s) address.
 *
 * Wiring into `status` / `shutdown` (two lines each):
 *   command.addOption(rayAddressOption()).addOption(rayTimeoutOption())
 *   // first line of the action:
 *   if (options.address !== undefined) return runRayStatus(options.address, options.timeout);
 *   if (options.address !== undefined) return runRayShutdown(options.address, options.timeout); // after the -y check
 * Without `--address` they manage the local controller, as before; `$RAY_DASHBOARD_ADDRESS` alone does not
 * switch them to Ray (it only supplies the address to `deploy`).
 */
export function rayAddressOption(): Option {
  return new Option(
    "--address <url>",
    "the Ray dashboard address, such as http://127.0.0.1:8265 (deploy also reads $RAY_DASHBOARD_ADDRESS)",
  );
}

/** `--timeout <seconds>` for one request to the Ray dashboard. */
export function rayTimeoutOption(): Option {
  return new Option("--timeout <seconds>", "how long one request to the Ray dashboard may take").default(String(DASHBOARD_TIMEOUT_MS / 1000));
}

/** Milliseconds from a `--timeout` value (undefined = the default); a usage error when it is not a positive number. */
export function timeoutMsFrom(seconds: string | undefined): number {
  if (seconds === undefined) return DASHBOARD_TIMEOUT_MS;
  const value = Number(seconds);
  if (!Number.isFinite(value) || value <= 0) throw new ActionableError(`--timeout must be a positive number of seconds (got '${seconds}')`, 2);
  return value * 1000;
}

/** `llmserve status --address URL`: prints Ray's `serve status` YAML (secrets scrubbed). Exit 1 when an app failed. */
export async function runRayStatus(address: string, timeout?: string, write: (text: string) => void = (t) => void process.stdout.write(t)): Promise<void> {
  const url = resolveDashboardAddress(address) as URL;
  // The dashboard client (undici) is imported only with --address: `status` and `shutdown` of the local instance
  // start ~100 ms faster without it.
  const { formatServeStatus, rayStatus } = await import("../../ray/rayStatus.js");
  const status = await rayStatus(url, { timeoutMs: timeoutMsFrom(timeout) });
  write(formatServeStatus(status));
  const failed = Object.values(status.applications).some((app) => app.status === "DEPLOY_FAILED" || app.status === "UNHEALTHY");
  if (failed) process.exitCode = 1;
}

/** `llmserve shutdown -y --address URL`: shuts Serve down on the cluster and waits for the applications to go. */
export async function runRayShutdown(address: string, timeout?: string, write: (text: string) => void = (t) => void process.stdout.write(t)): Promise<void> {
  const url = resolveDashboardAddress(address) as URL;
  const { rayShutdown } = await import("../../ray/rayShutdown.js");
  const result = await rayShutdown(url, { timeoutMs: timeoutMsFrom(timeout) });
  write(`${result.message}\n`);
}
