import { QueueFullError } from "./errors/QueueFullError.js";

export type AdmissionQueueOptions = {
  /** Requests one replica may hold at once (deployment_config.max_ongoing_requests; Ray Serve LLM's default 1e9). */
  maxOngoingRequests: number;
  /** Requests that may wait when every replica is full; -1 means no bound (Ray's default). */
  maxQueuedRequests: number;
};

/** A slot on one replica; call `release()` once the response has ended (extra calls are ignored). */
export type AdmissionLease = { readonly replicaId: string; release(): void };

/**
 * The controller's per-deployment admission: which replica a request goes to, and a FIFO of requests waiting for
 * one. Replicas are added when ready and removed to drain (they get no new request and finish their own).
 */
export type AdmissionQueue = {
  /**
   * A slot on the least busy replica below max_ongoing_requests (ties go round the replicas), at once or when
   * one frees up, in arrival order. Rejects with QueueFullError when the queue is at max_queued_requests, with the
   * signal's reason when it aborts while waiting, and with `close`'s error.
   */
  acquire(options?: { signal?: AbortSignal }): Promise<AdmissionLease>;
  /** Makes a replica routable (no-op when it already is); waiting requests move onto it. */
  addReplica(replicaId: string): void;
  /** Stops routing to a replica; resolves once its ongoing requests have all been released. */
  drainReplica(replicaId: string): Promise<void>;
  /** Rejects every waiting request with `error` (shutdown, deployment removed). */
  close(error: Error): void;
  /** Ongoing requests per replica (routable and draining ones). */
  ongoingByReplica(): ReadonlyMap<string, number>;
  totalOngoing(): number;
  queued(): number;
  routableReplicas(): string[];
};

type Waiter = { resolve: (lease: AdmissionLease) => void; reject: (error: unknown) => void; detach: () => void };

export function createAdmissionQueue(options: AdmissionQueueOptions): AdmissionQueue {
  if (!(options.maxOngoingRequests >= 1)) throw new RangeError(`max_ongoing_requests must be at least 1 (got ${options.maxOngoingRequests})`);
  const routable: string[] = [];
  const ongoing = new Map<string, number>();
  const drained = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const waiters: Waiter[] = [];
  let rotation = 0;

  function pickReplica(): string | undefined {
    let best: string | undefined;
    let bestLoad = Infinity;
    for (let step = 0; step < routable.length; step++) {
      const id = routable[(rotation + step) % routable.length]!;
      const load = ongoing.get(id) ?? 0;
      if (load < options.maxOngoingRequests && load < bestLoad) {
        best = id;
        bestLoad = load;
      }
    }
    if (best !== undefined) rotation = (routable.indexOf(best) + 1) % routable.length;
    return best;
  }

  function lease(replicaId: string): AdmissionLease {
    ongoing.set(replicaId, (ongoing.get(replicaId) ?? 0) + 1);
    let released = false;
    return {
      replicaId,
      release() {
        if (released) return;
        released = true;
        const left = (ongoing.get(replicaId) ?? 1) - 1;
        ongoing.set(replicaId, left);
        if (left === 0 && !routable.includes(replicaId)) {
          ongoing.delete(replicaId);
          drained.get(replicaId)?.resolve();
          drained.delete(replicaId);
        }
        serveWaiters();
      },
    };
  }

  function serveWaiters(): void {
    while (waiters.length > 0) {
      const replicaId = pickReplica();
      if (replicaId === undefined) return;
      const waiter = waiters.shift()!;
      waiter.detach();
      waiter.resolve(lease(replicaId));
    }
  }

  return {
    acquire({ signal } = {}) {
      if (signal?.aborted === true) return Promise.reject(signal.reason);
      const replicaId = waiters.length === 0 ? pickReplica() : undefined;
      if (replicaId !== undefined) return Promise.resolve(lease(replicaId));
      if (options.maxQueuedRequests >= 0 && waiters.length >= options.maxQueuedRequests) {
        return Promise.reject(new QueueFullError(options.maxQueuedRequests));
      }
      return new Promise<AdmissionLease>((resolve, reject) => {
        const onAbort = () => {
          const at = waiters.indexOf(waiter);
          if (at >= 0) waiters.splice(at, 1);
          reject(signal?.reason);
        };
        const waiter: Waiter = { resolve, reject, detach: () => signal?.removeEventListener("abort", onAbort) };
        signal?.addEventListener("abort", onAbort, { once: true });
        waiters.push(waiter);
      });
    },
    addReplica(replicaId) {
      if (routable.includes(replicaId)) return;
      routable.push(replicaId);
      drained.delete(replicaId);
      serveWaiters();
    },
    drainReplica(replicaId) {
      const at = routable.indexOf(replicaId);
      if (at >= 0) routable.splice(at, 1);
      if (rotation >= routable.length) rotation = 0;
      if ((ongoing.get(replicaId) ?? 0) === 0) {
        ongoing.delete(replicaId);
        return Promise.resolve();
      }
      let entry = drained.get(replicaId);
      if (entry === undefined) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => (resolve = r));
        entry = { promise, resolve };
        drained.set(replicaId, entry);
      }
      return entry.promise;
    },
    close(error) {
      for (const waiter of waiters.splice(0)) {
        waiter.detach();
        waiter.reject(error);
      }
    },
    ongoingByReplica: () => new Map(ongoing),
    totalOngoing: () => [...ongoing.values()].reduce((sum, value) => sum + value, 0),
    queued: () => waiters.length,
    routableReplicas: () => [...routable],
  };
}
