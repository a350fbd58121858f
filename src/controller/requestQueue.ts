import { type Lease, LeaseQueue } from "../lease/LeaseQueue.js";
import { NoReplicaAvailableError } from "./errors/NoReplicaAvailableError.js";

export type { Lease } from "../lease/LeaseQueue.js";

/** What the queue needs from a replica. */
export interface QueueReplica {
  readonly id: string;
  ongoing: () => number;
  addOngoing: (delta: number) => void;
}

export interface RequestQueueOptions<R extends QueueReplica> {
  /** Replicas that may take requests now (ready, not draining). Read at every dispatch. */
  routable: () => readonly R[];
  /** Ray's max_ongoing_requests: a hard cap per replica. */
  maxOngoingPerReplica: () => number;
  /** Ray's max_queued_requests: -1 = unbounded. */
  maxQueued: () => number;
  waitTimeoutMs: number;
  /** Told whenever the queue length changes (the autoscaler's cold start reads it). */
  onQueueChange?: (queued: number) => void;
}

export interface RequestQueue<R extends QueueReplica> {
  /** Resolves with a lease on the least-loaded replica, waiting FIFO when all are at their cap or none is ready. */
  acquire: (signal?: AbortSignal) => Promise<Lease<R>>;
  /** A lease right now when nobody waits and a replica has room; undefined otherwise (then `acquire`). */
  tryAcquire: () => Lease<R> | undefined;
  /** Re-tries waiting requests; call when a replica becomes ready or a slot frees. */
  pump: () => void;
  queued: () => number;
  /** Fails every waiter (deployment deleted). */
  rejectAll: (message: string) => void;
}

/**
 * The controller's per-deployment queue: least-ongoing-requests balancing with a per-replica cap and a bounded FIFO
 * for the rest (Ray's max_ongoing_requests / max_queued_requests). A lease holds one of a replica's ongoing slots.
 */
export function createRequestQueue<R extends QueueReplica>(options: RequestQueueOptions<R>): RequestQueue<R> {
  const pick = leastOngoing(options);
  const queue = new LeaseQueue<R>({
    take: () => {
      const replica = pick();
      replica?.addOngoing(1);
      return replica;
    },
    give: (replica) => replica.addOngoing(-1),
    maxQueued: options.maxQueued,
    errors: {
      queueFull: (queued, max) =>
        new NoReplicaAvailableError(`the request queue is full (${queued} waiting, max_queued_requests ${max}); retry later`, "queue_full"),
      aborted: () => new Error("the client went away while the request was queued"),
    },
    waitTimeout: {
      ms: options.waitTimeoutMs,
      error: () => new NoReplicaAvailableError(`no replica could take the request within ${options.waitTimeoutMs / 1000} s`, "queue_timeout"),
    },
    onQueueChange: options.onQueueChange,
  });
  return {
    acquire: (signal) => queue.acquire(undefined, signal),
    tryAcquire: () => queue.tryAcquire(),
    pump: () => queue.pump(),
    queued: () => queue.queued,
    rejectAll: (message) => queue.rejectAll(() => new NoReplicaAvailableError(message, "queue_timeout")),
  };
}

/** The routable replica under its cap with the fewest ongoing requests, rotating among ties; undefined if none. */
function leastOngoing<R extends QueueReplica>(options: RequestQueueOptions<R>): () => R | undefined {
  let rotation = 0;
  return () => {
    const cap = options.maxOngoingPerReplica();
    const candidates = options.routable().filter((replica) => replica.ongoing() < cap);
    if (candidates.length === 0) return undefined;
    const least = Math.min(...candidates.map((replica) => replica.ongoing()));
    const tied = candidates.filter((replica) => replica.ongoing() === least);
    // Rotate among equally loaded replicas so sequential requests spread out.
    rotation = (rotation + 1) % 1_000_000;
    return tied[rotation % tied.length];
  };
}
