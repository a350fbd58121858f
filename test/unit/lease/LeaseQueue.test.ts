import { afterEach, describe, expect, it, vi } from "vitest";
import { LeaseQueue, type LeaseQueueOptions } from "../../../src/lease/LeaseQueue.js";

class QueueFull extends Error {}
class Aborted extends Error {}
class TimedOut extends Error {}

/** A pool of named slots; `take` hands out the first free one and records what each taker asked for. */
function slots(names: string[], options: Partial<LeaseQueueOptions<string, string>> = {}) {
  const free = [...names];
  const asks: string[] = [];
  const given: string[] = [];
  const sizes: number[] = [];
  const queue = new LeaseQueue<string, string>({
    take: (ask) => {
      if (free.length === 0) return undefined;
      asks.push(ask);
      return free.shift();
    },
    give: (slot) => {
      given.push(slot);
      free.push(slot);
    },
    maxQueued: () => -1,
    errors: { queueFull: (queued, max) => new QueueFull(`${queued}/${max}`), aborted: () => new Aborted("aborted") },
    onQueueChange: (queued) => sizes.push(queued),
    ...options,
  });
  return { queue, free, asks, given, sizes };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("LeaseQueue", () => {
  it("should lease synchronously with tryAcquire while a resource is free and nobody waits", () => {
    const { queue, free } = slots(["a", "b"]);
    const first = queue.tryAcquire("x");
    expect(first?.resource).toBe("a");
    expect(queue.tryAcquire("y")?.resource).toBe("b");
    expect(queue.tryAcquire("z")).toBeUndefined();
    first!.release();
    expect(free).toEqual(["a"]);
    expect(queue.tryAcquire("z")?.resource).toBe("a");
  });

  it("should give a released resource back once, however often release is called", () => {
    const { queue, given } = slots(["a"]);
    const lease = queue.tryAcquire("x")!;
    lease.release();
    lease.release();
    expect(given).toEqual(["a"]);
    expect(queue.tryAcquire("y")?.resource).toBe("a");
    expect(queue.tryAcquire("z")).toBeUndefined();
  });

  it("should serve waiters in FIFO order, each with its own ask, before any newcomer", async () => {
    const { queue, asks } = slots(["a"]);
    const first = queue.tryAcquire("first")!;
    const order: string[] = [];
    const second = queue.acquire("second").then((lease) => (order.push("second"), lease));
    const third = queue.acquire("third").then((lease) => (order.push("third"), lease));
    expect(queue.queued).toBe(2);
    first.release();
    // The slot went to the oldest waiter: a newcomer finds nothing even though no lease is held by it yet.
    expect(queue.tryAcquire("newcomer")).toBeUndefined();
    (await second).release();
    expect(queue.tryAcquire("newcomer")).toBeUndefined();
    (await third).release();
    expect(order).toEqual(["second", "third"]);
    expect(asks).toEqual(["first", "second", "third"]);
    expect(queue.queued).toBe(0);
    expect(queue.tryAcquire("newcomer")?.resource).toBe("a");
  });

  it("should resolve acquire at once when a resource is free", async () => {
    const { queue, sizes } = slots(["a"]);
    expect((await queue.acquire("x")).resource).toBe("a");
    expect(sizes).toEqual([]);
  });

  it("should serve waiters when pump finds resources that appeared outside a release", async () => {
    const { queue, free } = slots([]);
    const waiting = queue.acquire("x");
    queue.pump();
    expect(queue.queued).toBe(1);
    free.push("late");
    queue.pump();
    expect((await waiting).resource).toBe("late");
    expect(queue.queued).toBe(0);
  });

  it("should reject with queueFull once maxQueued callers wait, and count only waiters", async () => {
    let max = 1;
    const { queue } = slots(["a"], { maxQueued: () => max });
    const held = queue.tryAcquire("x")!;
    const waiting = queue.acquire("y");
    const full = await queue.acquire("z").catch((error: unknown) => error);
    expect(full).toBeInstanceOf(QueueFull);
    expect((full as Error).message).toBe("1/1");
    expect(queue.queued).toBe(1);
    max = 2;
    const another = queue.acquire("z");
    expect(queue.queued).toBe(2);
    held.release();
    (await waiting).release();
    (await another).release();
  });

  it("should refuse every wait with maxQueued 0 but still lease a free resource", async () => {
    const { queue } = slots(["a"], { maxQueued: () => 0 });
    const held = await queue.acquire("x");
    await expect(queue.acquire("y")).rejects.toBeInstanceOf(QueueFull);
    held.release();
    expect((await queue.acquire("y")).resource).toBe("a");
  });

  it("should let any number wait when maxQueued is negative", () => {
    const { queue } = slots([]);
    for (let i = 0; i < 50; i++) void queue.acquire(`w${i}`).catch(() => undefined);
    expect(queue.queued).toBe(50);
    queue.rejectAll(() => new Error("gone"));
  });

  it("should drop a waiter whose signal aborts, keep the others in order and stop listening once served", async () => {
    const { queue, sizes } = slots(["a"]);
    const held = queue.tryAcquire("x")!;
    const abort = new AbortController();
    const leaving = queue.acquire("leaving", abort.signal);
    const stayingSignal = new AbortController();
    const staying = queue.acquire("staying", stayingSignal.signal);
    expect(queue.queued).toBe(2);
    abort.abort();
    await expect(leaving).rejects.toBeInstanceOf(Aborted);
    expect(queue.queued).toBe(1);
    held.release();
    const lease = await staying;
    expect(lease.resource).toBe("a");
    stayingSignal.abort(); // after being served: no effect
    expect(queue.queued).toBe(0);
    expect(sizes).toEqual([1, 2, 1, 0]);
    lease.release();
    expect(queue.tryAcquire("y")?.resource).toBe("a");
  });

  it("should reject an already aborted signal without leasing or queueing", async () => {
    const { queue, free } = slots(["a"]);
    await expect(queue.acquire("x", AbortSignal.abort())).rejects.toBeInstanceOf(Aborted);
    expect(free).toEqual(["a"]);
    expect(queue.queued).toBe(0);
  });

  it("should reject a waiter with the timeout error after waitTimeout.ms and not before", async () => {
    vi.useFakeTimers();
    const { queue } = slots([], { waitTimeout: { ms: 1_000, error: () => new TimedOut("slow") } });
    const waiting = queue.acquire("x");
    const outcome = waiting.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(999);
    expect(queue.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBeInstanceOf(TimedOut);
    expect(queue.queued).toBe(0);
  });

  it("should cancel the timeout of a waiter that was served", async () => {
    vi.useFakeTimers();
    const { queue } = slots(["a"], { waitTimeout: { ms: 1_000, error: () => new TimedOut("slow") } });
    const held = queue.tryAcquire("x")!;
    const waiting = queue.acquire("y");
    held.release();
    const lease = await waiting;
    expect(vi.getTimerCount()).toBe(0);
    lease.release();
  });

  it("should reject every waiter with its own error on rejectAll", async () => {
    const { queue, sizes } = slots([]);
    const abort = new AbortController();
    const one = queue.acquire("x", abort.signal).catch((error: unknown) => error);
    const two = queue.acquire("y").catch((error: unknown) => error);
    queue.rejectAll(() => new Error("the owner is going away"));
    const [first, second] = await Promise.all([one, two]);
    expect((first as Error).message).toBe("the owner is going away");
    expect(first).not.toBe(second);
    expect(queue.queued).toBe(0);
    expect(sizes.at(-1)).toBe(0);
    abort.abort(); // the listener is gone: nothing to reject twice
  });
});
