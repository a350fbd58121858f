import { NoReplicaAvailableError } from "./errors/NoReplicaAvailableError.js";

/** What the queue needs from a replica. */
export interface QueueReplica {
  readonly id: string;
  ongoing: () => number;
  addOngoing: (delta: number) => void;
}

/** A granted slot on one replica; call release() exactly once when the response is finished or aborted. */
export interface Lease<R extends QueueReplica> {
  replica: R;
  release: () => void;
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

interface Waiter<R extends QueueReplica> {
  resolve: (lease: Lease<R>) => void;
  reject: (error: Error) => void;
  cleanup: () => void;
}

/**
 * The controller's per-deployment queue: least-ongoing-requests balancing with a per-replica cap and a bounded FIFO
 * for the rest (Ray's max_ongoing_requests / max_queued_requests).
 */
export function createRequestQueue<R extends QueueReplica>(options: RequestQueueOptions<R>): RequestQueue<R> {
  const waiters: Waiter<R>[] = [];
  let rotation = 0;

  const pick = (): R | undefined => {
    const cap = options.maxOngoingPerReplica();
    const candidates = options.routable().filter((replica) => replica.ongoing() < cap);
    if (candidates.length === 0) return undefined;
    const least = Math.min(...candidates.map((replica) => replica.ongoing()));
    const tied = candidates.filter((replica) => replica.ongoing() === least);
    // Rotate among equally loaded replicas so sequential requests spread out.
    rotation = (rotation + 1) % 1_000_000;
    return tied[rotation % tied.length];
  };

  const lease = (replica: R): Lease<R> => {
    replica.addOngoing(1);
    let released = false;
    return {
      replica,
      release: () => {
        if (released) return;
        released = true;
        replica.addOngoing(-1);
        pump();
      },
    };
  };

  const pump = (): void => {
    while (waiters.length > 0) {
      const replica = pick();
      if (replica === undefined) return;
      const waiter = waiters.shift()!;
      waiter.cleanup();
      options.onQueueChange?.(waiters.length);
      waiter.resolve(lease(replica));
    }
  };

  const tryAcquire = (): Lease<R> | undefined => {
    if (waiters.length > 0) return undefined;
    const replica = pick();
    return replica === undefined ? undefined : lease(replica);
  };

  const acquire = (signal?: AbortSignal): Promise<Lease<R>> => {
    const now = tryAcquire();
    if (now !== undefined) return Promise.resolve(now);
    const max = options.maxQueued();
    if (max >= 0 && waiters.length >= max) {
      return Promise.reject(
        new NoReplicaAvailableError(
          `the request queue is full (${waiters.length} waiting, max_queued_requests ${max}); retry later`,
          "queue_full",
        ),
      );
    }
    return new Promise<Lease<R>>((resolve, reject) => {
      const remove = (): void => {
        const index = waiters.indexOf(waiter);
        if (index >= 0) waiters.splice(index, 1);
        options.onQueueChange?.(waiters.length);
      };
      const timer = setTimeout(() => {
        remove();
        reject(
          new NoReplicaAvailableError(
            `no replica could take the request within ${options.waitTimeoutMs / 1000} s`,
            "queue_timeout",
          ),
        );
      }, options.waitTimeoutMs);
      const onAbort = (): void => {
        clearTimeout(timer);
        remove();
        reject(new Error("the client went away while the request was queued"));
      };
      const waiter: Waiter<R> = {
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      waiters.push(waiter);
      options.onQueueChange?.(waiters.length);
    });
  };

  return {
    acquire,
    tryAcquire,
    pump,
    queued: () => waiters.length,
    rejectAll: (message) => {
      for (const waiter of waiters.splice(0)) {
        waiter.cleanup();
        waiter.reject(new NoReplicaAvailableError(message, "queue_timeout"));
      }
      options.onQueueChange?.(0);
    },
  };
}
