import { describe, expect, it } from "vitest";
import { createAdmissionQueue, type AdmissionLease } from "../../../src/controller/autoscaling/createAdmissionQueue.js";
import { QueueFullError } from "../../../src/controller/autoscaling/errors/QueueFullError.js";

/** Tracks whether a promise has settled, without awaiting it. */
function track<T>(promise: Promise<T>) {
  const state: { value?: T; error?: unknown; settled: boolean } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { value, settled: true }),
    (error: unknown) => Object.assign(state, { error, settled: true }),
  );
  return state;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("createAdmissionQueue", () => {
  it("should spread requests over replicas up to max_ongoing_requests each", async () => {
    const queue = createAdmissionQueue({ maxOngoingRequests: 2, maxQueuedRequests: -1 });
    queue.addReplica("a");
    queue.addReplica("b");
    const leases = await Promise.all([queue.acquire(), queue.acquire(), queue.acquire(), queue.acquire()]);
    expect(leases.map((lease) => lease.replicaId).sort()).toEqual(["a", "a", "b", "b"]);
    expect(queue.ongoingByReplica()).toEqual(new Map([["a", 2], ["b", 2]]));
    expect(queue.totalOngoing()).toBe(4);
  });

  it("should send a request to the least busy replica", async () => {
    const queue = createAdmissionQueue({ maxOngoingRequests: 10, maxQueuedRequests: -1 });
    queue.addReplica("a");
    const first = await queue.acquire();
    await queue.acquire();
    queue.addReplica("b");
    expect((await queue.acquire()).replicaId).toBe("b");
    expect((await queue.acquire()).replicaId).toBe("b");
    first.release();
    expect((await queue.acquire()).replicaId).toBe("a");
  });

  it("should queue requests beyond capacity and admit them in FIFO order as slots free up", async () => {
    const queue = createAdmissionQueue({ maxOngoingRequests: 1, maxQueuedRequests: -1 });
    queue.addReplica("a");
    const running = await queue.acquire();
    const second = track(queue.acquire());
    const third = track(queue.acquire());
    await tick();
    expect([second.settled, third.settled, queue.queued()]).toEqual([false, false, 2]);
    running.release();
    await tick();
    expect([second.settled, third.settled]).toEqual([true, false]);
    second.value!.release();
    await tick();
    expect(third.value?.replicaId).toBe("a");
    expect(queue.queued()).toBe(0);
  });

  it("should reject with QueueFullError once max_queued_requests are waiting", async () => {
    const queue = createAdmissionQueue({ maxOngoingRequests: 1, maxQueuedRequests: 1 });
    queue.addReplica("a");
    await queue.acquire();
    const waiting = track(queue.acquire());
    const refused = queue.acquire();
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    await expect(refused).rejects.toThrow(/1 requests are already queued \(max_queued_requests\)/);
    expect(waiting.settled).toBe(false);
  });

  it("should refuse at once with max_queued_requests 0", async () => {
    const queue = createAdmissionQueue({ maxOngoingRequests: 1, maxQueuedRequests: 0 });
    queue.addReplica("a");
    await queue.acquire();
    await expect(queue.acquire()).rejects.toBeInstanceOf(QueueFullError);
  });

  it("should hold requests while there is no replica (scale from zero) and admit them when one is ready", async () => {
    const queue = createAdmissionQueue({ maxOngoingRequests: 4, maxQueuedRequests: 10 });
    const waiting = [track(queue.acquire()), track(queue.acquire())];
    await tick();
    expect(queue.queued()).toBe(2);
    queue.addReplica("cold");
    await tick();
    expect(waiting.map((w) => w.value?.replicaId)).toEqual(["cold", "cold"]);
  });

  it("should drop a waiting request whose client went away", async () => {
    const queue = createAdmissionQueue({ maxOngoingRequests: 1, maxQueuedRequests: -1 });
    queue.addReplica("a");
    const running = await queue.acquire();
    const controller = new AbortController();
    const abandoned = queue.acquire({ signal: controller.signal });
    const next = track(queue.acquire());
    controller.abort(new Error("client closed"));
    await expect(abandoned).rejects.toThrow("client closed");
    expect(queue.queued()).toBe(1);
    running.release();
    await tick();
    expect(next.value?.replicaId).toBe("a");
    await expect(queue.acquire({ signal: AbortSignal.abort(new Error("already gone")) })).rejects.toThrow("already gone");
  });

  it("should drain a replica: no new requests, resolved once its own have finished", async () => {
    const queue = createAdmissionQueue({ maxOngoingRequests: 5, maxQueuedRequests: -1 });
    queue.addReplica("a");
    queue.addReplica("b");
    const leases: AdmissionLease[] = await Promise.all([queue.acquire(), queue.acquire()]);
    const onA = leases.filter((lease) => lease.replicaId === "a");
    const drained = track(queue.drainReplica("a"));
    expect(queue.routableReplicas()).toEqual(["b"]);
    expect((await queue.acquire()).replicaId).toBe("b");
    await tick();
    expect(drained.settled).toBe(false);
    for (const lease of onA) lease.release();
    await tick();
    expect(drained.settled).toBe(true);
    expect(queue.ongoingByReplica().has("a")).toBe(false);
    await queue.drainReplica("never-had-requests");
  });

  it("should count a lease released twice only once", async () => {
    const queue = createAdmissionQueue({ maxOngoingRequests: 2, maxQueuedRequests: -1 });
    queue.addReplica("a");
    const lease = await queue.acquire();
    await queue.acquire();
    lease.release();
    lease.release();
    expect(queue.totalOngoing()).toBe(1);
  });

  it("should reject every waiting request on close", async () => {
    const queue = createAdmissionQueue({ maxOngoingRequests: 1, maxQueuedRequests: -1 });
    const waiting = queue.acquire();
    queue.close(new Error("shutting down"));
    await expect(waiting).rejects.toThrow("shutting down");
    expect(queue.queued()).toBe(0);
  });

  it("should refuse a max_ongoing_requests below 1", () => {
    expect(() => createAdmissionQueue({ maxOngoingRequests: 0, maxQueuedRequests: -1 })).toThrow(RangeError);
  });
});
