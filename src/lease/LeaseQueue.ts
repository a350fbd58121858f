/** A resource lent to one caller; call `release()` exactly once when done (extra calls are ignored). */
export interface Lease<T> {
  readonly resource: T;
  release(): void;
}

/** The errors a queue rejects with; each waiter gets its own instance. */
export interface LeaseQueueErrors {
  /** `queued` callers already wait and the bound is `max`. */
  queueFull: (queued: number, max: number) => Error;
  /** The caller's AbortSignal fired before a resource was free. */
  aborted: () => Error;
}

export interface LeaseQueueOptions<T, Ask> {
  /**
   * Takes a resource for `ask` if one is free now, or returns undefined. The caller's policy lives here (least
   * loaded replica, longest cached prefix); it is asked again whenever a lease is released or `pump()` is called.
   */
  take: (ask: Ask) => T | undefined;
  /** Gives a released resource back (called once per lease, before the next waiter is served). */
  give: (resource: T) => void;
  /** Most callers allowed to wait, read at each `acquire`; negative = unbounded. */
  maxQueued: () => number;
  errors: LeaseQueueErrors;
  /** A waiter is rejected with `error()` after `ms`; without it a waiter waits until served or aborted. */
  waitTimeout?: { ms: number; error: () => Error };
  /** Told whenever the number of waiters changes. */
  onQueueChange?: (queued: number) => void;
}

interface Waiter<T, Ask> {
  readonly ask: Ask;
  readonly resolve: (lease: Lease<T>) => void;
  readonly reject: (error: Error) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Lends resources to callers one lease at a time, with a bounded FIFO of waiters: a released resource goes to the
 * oldest waiter before any newcomer, a waiter leaves the queue when its signal aborts or its wait times out. What
 * the resources are and which one a caller gets is the owner's `take`/`give`; the controller leases replica slots
 * with it, a replica its llama.cpp sequences.
 */
export class LeaseQueue<T, Ask = void> {
  readonly #options: LeaseQueueOptions<T, Ask>;
  readonly #waiters: Waiter<T, Ask>[] = [];

  public constructor(options: LeaseQueueOptions<T, Ask>) {
    this.#options = options;
  }

  /** Callers waiting now. */
  public get queued(): number {
    return this.#waiters.length;
  }

  /**
   * A lease right now when nobody waits and `take` has a resource; undefined otherwise (then `acquire`). Synchronous
   * and promise-free: the hot path of a request that finds room.
   */
  public tryAcquire(ask: Ask): Lease<T> | undefined {
    if (this.#waiters.length > 0) return undefined;
    const resource = this.#options.take(ask);
    return resource === undefined ? undefined : this.#lease(resource);
  }

  /** Resolves with a lease, at once when `tryAcquire` would give one, else after waiting in FIFO order. */
  public acquire(ask: Ask, signal?: AbortSignal): Promise<Lease<T>> {
    const { errors } = this.#options;
    if (signal?.aborted === true) return Promise.reject(errors.aborted());
    const now = this.tryAcquire(ask);
    if (now !== undefined) return Promise.resolve(now);
    const max = this.#options.maxQueued();
    if (max >= 0 && this.#waiters.length >= max) return Promise.reject(errors.queueFull(this.#waiters.length, max));
    return new Promise<Lease<T>>((resolve, reject) => this.#enqueue(ask, signal, resolve, reject));
  }

  /** Serves waiters while `take` has resources; call when the owner's resources change (a replica became ready). */
  public pump(): void {
    while (this.#waiters.length > 0) {
      const waiter = this.#waiters[0]!;
      const resource = this.#options.take(waiter.ask);
      if (resource === undefined) return;
      this.#waiters.shift();
      this.#settle(waiter);
      this.#options.onQueueChange?.(this.#waiters.length);
      waiter.resolve(this.#lease(resource));
    }
  }

  /** Rejects every waiter with its own `error()` (the owner is going away). */
  public rejectAll(error: () => Error): void {
    for (const waiter of this.#waiters.splice(0)) {
      this.#settle(waiter);
      waiter.reject(error());
    }
    this.#options.onQueueChange?.(0);
  }

  #enqueue(ask: Ask, signal: AbortSignal | undefined, resolve: (lease: Lease<T>) => void, reject: (error: Error) => void): void {
    const { errors, waitTimeout } = this.#options;
    const waiter: Waiter<T, Ask> = {
      ask,
      resolve,
      reject,
      signal,
      onAbort: () => this.#drop(waiter, errors.aborted()),
      timer: undefined,
    };
    if (waitTimeout !== undefined) waiter.timer = setTimeout(() => this.#drop(waiter, waitTimeout.error()), waitTimeout.ms);
    signal?.addEventListener("abort", waiter.onAbort, { once: true });
    this.#waiters.push(waiter);
    this.#options.onQueueChange?.(this.#waiters.length);
  }

  /** Takes a waiter out of the queue before it was served and rejects it. */
  #drop(waiter: Waiter<T, Ask>, error: Error): void {
    const index = this.#waiters.indexOf(waiter);
    if (index < 0) return;
    this.#waiters.splice(index, 1);
    this.#settle(waiter);
    this.#options.onQueueChange?.(this.#waiters.length);
    waiter.reject(error);
  }

  #settle(waiter: Waiter<T, Ask>): void {
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    waiter.signal?.removeEventListener("abort", waiter.onAbort);
  }

  #lease(resource: T): Lease<T> {
    let released = false;
    return {
      resource,
      release: () => {
        if (released) return;
        released = true;
        this.#options.give(resource);
        this.pump();
      },
    };
  }
}
