import { describe, expect, it } from "vitest";
import { drainAndStop, type DrainableReplica } from "../../../src/controller/deployment/drainAndStop.js";

/** A replica with `ongoing` requests in flight that finish after `finishAfterMs` (never when undefined). */
function replica(ongoing: number, finishAfterMs: number | undefined): DrainableReplica & { stoppedAt: () => number | undefined } {
  const started = Date.now();
  let stoppedAt: number | undefined;
  return {
    id: "r1",
    ongoing: () => (finishAfterMs !== undefined && Date.now() - started >= finishAfterMs ? 0 : ongoing),
    stop: async () => {
      stoppedAt = Date.now() - started;
      return true;
    },
    stoppedAt: () => stoppedAt,
  };
}

describe("drainAndStop", () => {
  it("should stop a drained replica only once its in-flight requests have finished", async () => {
    const logs: string[] = [];
    const busy = replica(2, 300);
    expect(await drainAndStop(busy, 5_000, (m) => logs.push(m))).toBe(true);
    expect(busy.stoppedAt()).toBeGreaterThanOrEqual(300);
    expect(busy.stoppedAt()).toBeLessThan(5_000);
    expect(logs).toEqual(["draining replica r1: no new requests, 2 in flight to finish first"]);
  });

  it("should stop it at the graceful timeout when its requests do not finish", async () => {
    const stuck = replica(1, undefined);
    await drainAndStop(stuck, 250, () => undefined);
    expect(stuck.stoppedAt()).toBeGreaterThanOrEqual(250);
  });

  it("should stop at once an idle replica, or any replica retired without a drain", async () => {
    const idle = replica(0, undefined);
    await drainAndStop(idle, 5_000, () => undefined);
    expect(idle.stoppedAt()).toBeLessThan(100);
    const busy = replica(3, undefined);
    await drainAndStop(busy, undefined, () => undefined);
    expect(busy.stoppedAt()).toBeLessThan(100);
  });
});
