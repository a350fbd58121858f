import { describe, expect, it } from "vitest";
import { chooseReplicaToDrain, type DrainCandidate } from "../../../src/controller/autoscaling/chooseReplicaToDrain.js";

const replica = (id: string, state: DrainCandidate["state"], ongoingRequests: number, startedAtMs: number): DrainCandidate => ({
  id,
  state,
  ongoingRequests,
  startedAtMs,
});

describe("chooseReplicaToDrain", () => {
  it("should drop a replica that has not started before one that is loading, and both before a ready one", () => {
    const ready = replica("ready", "ready", 0, 1);
    const starting = replica("starting", "starting", 0, 2);
    const pending = replica("pending", "pending", 0, 3);
    expect(chooseReplicaToDrain([ready, starting, pending])?.id).toBe("pending");
    expect(chooseReplicaToDrain([ready, starting])?.id).toBe("starting");
  });

  it("should pick the ready replica with the fewest ongoing requests, the newest on a tie", () => {
    expect(chooseReplicaToDrain([replica("busy", "ready", 5, 1), replica("idle", "ready", 1, 2)])?.id).toBe("idle");
    expect(chooseReplicaToDrain([replica("old", "ready", 1, 1), replica("new", "ready", 1, 9)])?.id).toBe("new");
  });

  it("should never pick a replica already draining or stopped", () => {
    expect(chooseReplicaToDrain([replica("d", "draining", 0, 1), replica("s", "stopped", 0, 2)])).toBeUndefined();
    expect(chooseReplicaToDrain([replica("d", "draining", 0, 1), replica("r", "ready", 3, 2)])?.id).toBe("r");
    expect(chooseReplicaToDrain([])).toBeUndefined();
  });
});
