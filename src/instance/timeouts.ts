import { schemaDefault } from "../config/schemaDefault.js";
import { REPLICA_STOP_GRACE_MS } from "../process/timeouts.js";

/** Durations (ms) of the CLI side of an instance: run, status, shutdown, logs. */

/** `run`: from spawning the controller to its `started` line (lock taken, ports bound). */
export const CONTROLLER_START_TIMEOUT_MS = 30_000;
/** `run`/`status`: one admin request to the controller. */
export const ADMIN_REQUEST_TIMEOUT_MS = 5_000;
/** `run`: the admin apply request (the controller loads and validates the file before it answers). */
export const APPLY_TIMEOUT_MS = 60_000;
/** `run`: how often it polls the controller's status while waiting for RUNNING (a poll costs the controller ~1 ms). */
export const RUN_POLL_INTERVAL_MS = 100;
/** `shutdown`: margin on top of the graceful timeout and replica grace before SIGKILL on every group. */
export const SHUTDOWN_MARGIN_MS = 5_000;
/** `logs --follow` and blocking `run`: how often log files are polled for new lines. */
export const LOG_TAIL_POLL_INTERVAL_MS = 200;
/**
 * `shutdown` of an instance whose state file is lost (its graceful_shutdown_timeout_s with it): how long its
 * controller gets after SIGTERM: the schema's default graceful_shutdown_timeout_s, the replica grace and a margin.
 */
export function unrecordedControllerStopMs(): number {
  const graceful = schemaDefault("DeploymentConfig", "graceful_shutdown_timeout_s") as number;
  return graceful * 1000 + REPLICA_STOP_GRACE_MS + SHUTDOWN_MARGIN_MS;
}
