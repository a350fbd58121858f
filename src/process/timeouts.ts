/** Durations (ms) of process-group handling and the state lock, shared by the controller and the CLI. */

/** How long a stopping process group gets between SIGTERM and SIGKILL. */
export const REPLICA_STOP_GRACE_MS = 5_000;
/** After SIGKILL, how long to wait for a process group to be reaped before calling it a leak. */
export const KILL_CONFIRM_MS = 3_000;
/** Poll interval while waiting for a pid or process group to disappear. */
export const PROCESS_POLL_INTERVAL_MS = 50;
/** State lock: a takeover marker older than this is left over from a crashed process and removed. */
export const LOCK_TAKEOVER_STALE_MS = 10_000;
