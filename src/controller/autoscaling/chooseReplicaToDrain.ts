/** What the drain policy needs to know about a replica. */
export type DrainCandidate = {
  readonly id: string;
  /** Replicas already draining or stopped are never chosen again. */
  readonly state: "pending" | "starting" | "ready" | "draining" | "stopped";
  readonly ongoingRequests: number;
  /** When it was started; breaks ties in favour of keeping the older, warmer replica. */
  readonly startedAtMs: number;
};

const STATE_RANK: Record<DrainCandidate["state"], number> = { pending: 0, starting: 1, ready: 2, draining: 3, stopped: 3 };

/**
 * The replica to remove when scaling down, the cheapest loss first: one not yet started (pending), then one still
 * loading (starting), then the ready one with the fewest ongoing requests (the shortest drain); ties go to the
 * newest. `undefined` when nothing can be drained.
 */
export function chooseReplicaToDrain(replicas: readonly DrainCandidate[]): DrainCandidate | undefined {
  return replicas
    .filter((replica) => replica.state !== "draining" && replica.state !== "stopped")
    .sort(
      (a, b) =>
        STATE_RANK[a.state] - STATE_RANK[b.state] || a.ongoingRequests - b.ongoingRequests || b.startedAtMs - a.startedAtMs,
    )[0];
}
