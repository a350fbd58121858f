import { describe, expect, it } from "vitest";
import { NoReplicaAvailableError } from "../../../src/controller/errors/NoReplicaAvailableError.js";
import { createRequestQueue, type QueueReplica } from "../../../src/controller/requestQueue.js";

function replica(id: string): QueueReplica & { count: number } {
  const r = {
    id,
    count: 0,
    ongoing: () => r.count,
    addOngoing: (delta: number) => {
      r.count += delta;
    },
  };
  return r;
}

describe("createRequestQueue", () => {
  it("should send each request to the replica with the fewest ongoing requests", async () => {
    const a = replica("a");
    const b = replica("b");
    const queue = createRequestQueue({ routable: () => [a, b], maxOngoingPerReplica: () => 100, maxQueued: () => -1, waitTimeoutMs: 1_000 });
    const leases = [await queue.acquire(), await queue.acquire(), await queue.acquire(), await queue.acquire()];
    expect([a.count, b.count]).toEqual([2, 2]);
    leases[0]!.release();
    leases[0]!.release(); // idempotent
    const owner = leases[0]!.resource;
    const next = await queue.acquire();
    expect(next.resource).toBe(owner);
  });

  it("should lease at once with tryAcquire only while nobody waits and a replica has room", async () => {
    const a = replica("a");
    const queue = createRequestQueue({ routable: () => [a], maxOngoingPerReplica: () => 1, maxQueued: () => -1, waitTimeoutMs: 5_000 });
    const first = queue.tryAcquire();
    expect(first?.resource).toBe(a);
    expect(queue.tryAcquire()).toBeUndefined();
    const waiting = queue.acquire();
    first!.release();
    const second = await waiting;
    expect(second.resource).toBe(a);
    const third = queue.acquire();
    second.release();
    // A free slot goes to the waiter first, never to a newcomer that jumps the queue.
    expect(queue.tryAcquire()).toBeUndefined();
    (await third).release();
    expect(queue.tryAcquire()?.resource).toBe(a);
  });

  it("should queue FIFO beyond max_ongoing_requests and dispatch as slots free", async () => {
    const a = replica("a");
    const queue = createRequestQueue({ routable: () => [a], maxOngoingPerReplica: () => 1, maxQueued: () => -1, waitTimeoutMs: 5_000 });
    const first = await queue.acquire();
    const order: number[] = [];
    const second = queue.acquire().then((lease) => (order.push(2), lease));
    const third = queue.acquire().then((lease) => (order.push(3), lease));
    expect(queue.queued()).toBe(2);
    first.release();
    (await second).release();
    (await third).release();
    expect(order).toEqual([2, 3]);
    expect(queue.queued()).toBe(0);
    expect(a.count).toBe(0);
  });

  it("should reject with queue_full once max_queued_requests are waiting", async () => {
    const a = replica("a");
    const queue = createRequestQueue({ routable: () => [a], maxOngoingPerReplica: () => 1, maxQueued: () => 1, waitTimeoutMs: 5_000 });
    const first = await queue.acquire();
    const waiting = queue.acquire();
    await expect(queue.acquire()).rejects.toMatchObject({ code: "queue_full" });
    first.release();
    (await waiting).release();
  });

  it("should wait for a replica to become routable (cold start) and time out with queue_timeout", async () => {
    const a = replica("a");
    const routable: QueueReplica[] = [];
    const queue = createRequestQueue({ routable: () => routable, maxOngoingPerReplica: () => 5, maxQueued: () => -1, waitTimeoutMs: 300 });
    const pending = queue.acquire();
    routable.push(a);
    queue.pump();
    expect((await pending).resource).toBe(a);
    routable.length = 0;
    const error = await queue.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoReplicaAvailableError);
    expect((error as NoReplicaAvailableError).code).toBe("queue_timeout");
  });

  it("should drop a queued request whose client went away", async () => {
    const queue = createRequestQueue({ routable: () => [], maxOngoingPerReplica: () => 1, maxQueued: () => -1, waitTimeoutMs: 5_000 });
    const abort = new AbortController();
    const pending = queue.acquire(abort.signal);
    expect(queue.queued()).toBe(1);
    abort.abort();
    await expect(pending).rejects.toThrow(/client went away/);
    expect(queue.queued()).toBe(0);
  });
  it("should refuse at once with max_queued_requests 0 when every replica is at its cap", async () => {
    const a = replica("a");
    const queue = createRequestQueue({ routable: () => [a], maxOngoingPerReplica: () => 1, maxQueued: () => 0, waitTimeoutMs: 5_000 });
    const first = await queue.acquire();
    await expect(queue.acquire()).rejects.toMatchObject({ code: "queue_full" });
    first.release();
    (await queue.acquire()).release();
  });

  it("should stop routing to a draining replica while its own requests finish", async () => {
    const a = replica("a");
    const b = replica("b");
    let routable = [a, b];
    const queue = createRequestQueue({ routable: () => routable, maxOngoingPerReplica: () => 10, maxQueued: () => -1, waitTimeoutMs: 5_000 });
    await queue.acquire();
    await queue.acquire();
    expect([a.count, b.count]).toEqual([1, 1]);
    routable = [b];
    const leases = [await queue.acquire(), await queue.acquire(), await queue.acquire()];
    expect(leases.every((lease) => lease.resource === b)).toBe(true);
    expect(a.count).toBe(1);
  });

  it("should reject every waiting request on rejectAll", async () => {
    const queue = createRequestQueue({ routable: () => [], maxOngoingPerReplica: () => 1, maxQueued: () => -1, waitTimeoutMs: 5_000 });
    const waiting = queue.acquire();
    queue.rejectAll("the deployment is being deleted");
    await expect(waiting).rejects.toThrow("the deployment is being deleted");
    expect(queue.queued()).toBe(0);
  });
});
