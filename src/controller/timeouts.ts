/**
 * Every duration (ms) and retry limit of the controller, run, status and shutdown, in one place.
 * Budgets nest: a replica's stop grace < the controller's stop budget < what `shutdown` waits before SIGKILL.
 */

/** How long a stopping process group gets between SIGTERM and SIGKILL. */
export const REPLICA_STOP_GRACE_MS = 5_000;
/** After SIGKILL, how long to wait for a process group to be reaped before calling it a leak. */
export const KILL_CONFIRM_MS = 3_000;
/** Poll interval while waiting for a pid or process group to disappear. */
export const PROCESS_POLL_INTERVAL_MS = 50;

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
/** Ray's default graceful_shutdown_timeout_s, used when a deployment sets none. */
export const DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT_MS = 20_000;
/** Ray's defaults for LLM deployments: health_check_period_s 10, health_check_timeout_s 10. */
export const DEFAULT_HEALTH_CHECK_PERIOD_MS = 10_000;
export const DEFAULT_HEALTH_CHECK_TIMEOUT_MS = 10_000;

/** State lock: a takeover marker older than this is left over from a crashed process and removed. */
export const LOCK_TAKEOVER_STALE_MS = 10_000;
/** `logs --follow` and blocking `run`: how often log files are polled for new lines. */
export const LOG_TAIL_POLL_INTERVAL_MS = 200;
