import { waitUntil } from "../../process/processGroup.js";

/** What draining needs of a replica. */
export interface DrainableReplica {
  readonly id: string;
  ongoing: () => number;
  stop: () => Promise<boolean>;
}

/** How often a drain checks whether the replica's in-flight requests have finished. */
const DRAIN_POLL_MS = 50;

/**
 * Stops a replica that takes no new requests: with `drainMs`, once its in-flight requests have finished or `drainMs`
 * has passed (graceful_shutdown_timeout_s), else at once. Resolves with stop()'s answer (false: it survived SIGKILL).
 */
export async function drainAndStop(
  replica: DrainableReplica,
  drainMs: number | undefined,
  log: (message: string) => void,
): Promise<boolean> {
  if (drainMs !== undefined && replica.ongoing() > 0) {
    log(`draining replica ${replica.id}: no new requests, ${replica.ongoing()} in flight to finish first`);
    await waitUntil(() => replica.ongoing() === 0, drainMs, DRAIN_POLL_MS);
  }
  return replica.stop();
}
