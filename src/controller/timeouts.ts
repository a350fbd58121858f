/**
 * Every duration (ms) and retry limit of the controller daemon. The CLI side's are in src/instance/timeouts.ts,
 * the process-group ones both use in src/process/timeouts.ts. Budgets nest: a replica's stop grace < the
 * controller's stop budget < what `shutdown` waits before SIGKILL.
 */

/** From spawn to the replica's `listening` event. */
export const REPLICA_LISTEN_TIMEOUT_MS = 60_000;
/** From spawn to `ready` (downloads and loading included; Ray's engine start timeout is 3600 s). */
export const REPLICA_READY_TIMEOUT_MS = 3_600_000;
/** First restart delay after a crash; doubles per consecutive failure up to the max. */
export const RESTART_BACKOFF_INITIAL_MS = 500;
export const RESTART_BACKOFF_MAX_MS = 30_000;
/** A replica that stayed ready this long resets its consecutive-failure count. */
export const RESTART_BACKOFF_RESET_MS = 60_000;
/** Consecutive startup failures before a deploying deployment is DEPLOY_FAILED (Ray retries a constructor 3 times). */
export const STARTUP_FAILURE_LIMIT = 3;
/** Consecutive failures of a running replica before its deployment shows UNHEALTHY (it keeps being restarted). */
export const UNHEALTHY_FAILURE_LIMIT = 3;
/** Consecutive failed health checks that make a ready replica "hung": it is killed and restarted (Ray uses 3). */
export const HEALTH_CHECK_FAILURE_LIMIT = 3;

/** How often a replica that waits for GPUs other replicas hold asks placement again. */
export const PLACEMENT_RETRY_MS = 2_000;

/** Controller control loop (status aggregation, autoscaling tick, state file flush). */
export const CONTROL_LOOP_INTERVAL_MS = 100;
/** At most one state file write per this interval while only counters change. */
export const STATE_FLUSH_INTERVAL_MS = 1_000;
/** How long a request waits in the controller's queue for a free replica before a 503. */
export const QUEUE_WAIT_TIMEOUT_MS = 600_000;

/** How often the web console polls /ui/api/status (the issue asks for at least every 2 s). */
export const CONSOLE_STATUS_REFRESH_MS = 1_000;
/** How often a console log stream looks for new lines in its file. */
export const CONSOLE_LOG_POLL_MS = 250;
