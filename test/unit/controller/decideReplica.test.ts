import { describe, expect, it } from "vitest";
import { decideReplica, restartDelayMs } from "../../../src/controller/replica/decideReplica.js";
import {
  initialReplicaState,
  replicaRecord,
  type ReplicaEffect,
  type ReplicaEnv,
  type ReplicaInput,
  type ReplicaState,
} from "../../../src/controller/replica/ReplicaState.js";

// The replica machine alone: no process, no timer, no HTTP. Each test drives it with the inputs the shell would send.
const timings = { healthCheckPeriodMs: 10_000, listenTimeoutMs: 60_000, readyTimeoutMs: 3_600_000 };

class Harness {
  state: ReplicaState = initialReplicaState("r1", "v1", timings);
  effects: ReplicaEffect[] = [];
  nowMs = 1_000_000;
  giveUp: ReplicaEnv["giveUp"] = () => false;

  send(input: ReplicaInput): ReplicaEffect[] {
    const next = decideReplica(this.state, input, { nowMs: this.nowMs, giveUp: this.giveUp });
    this.state = next.state;
    this.effects = [...next.effects];
    return this.effects;
  }

  has(type: ReplicaEffect["type"]): boolean {
    return this.effects.some((effect) => effect.type === type);
  }

  scheduled(): Extract<ReplicaEffect, { type: "schedule" }>[] {
    return this.effects.filter((effect): effect is Extract<ReplicaEffect, { type: "schedule" }> => effect.type === "schedule");
  }

  /** start → placed → spawned → listening → ready → /health ok. */
  bringUp(pid = 100): void {
    if (!this.state.started) this.send({ type: "start" });
    this.send({ type: "placed", gpus: [0], cudaVisibleDevices: "GPU-a" });
    const spawn = this.state.spawns;
    this.send({ type: "spawned", spawn, pid });
    this.send({ type: "replicaEvent", spawn, event: { event: "listening", host: "127.0.0.1", port: 5000 + pid } });
    this.send({ type: "replicaEvent", spawn, event: { event: "ready" } });
    this.send({ type: "health", spawn, check: "confirm", attempt: 0, ok: true, reason: "" });
  }

  /** The process exits; then the restart timer fires and placement places it again. */
  crashAndRestart(pid: number): void {
    this.send({ type: "exited", spawn: this.state.spawns, how: "exited with code 3" });
    this.send({ type: "timer", timer: { name: "restart" } });
    this.bringUp(pid);
  }
}

describe("decideReplica", () => {
  it("should go pending → starting → loading → ready only after the ready event and a passing /health", () => {
    const h = new Harness();
    expect(h.send({ type: "start" })).toEqual([{ type: "launch" }]);
    h.send({ type: "placed", gpus: [1], cudaVisibleDevices: "GPU-b" });
    expect(h.effects).toEqual([{ type: "spawn", spawn: 1 }]);
    h.send({ type: "spawned", spawn: 1, pid: 4242 });
    expect(h.state.lifecycle).toBe("starting");
    expect(h.scheduled().map((s) => [s.timer.name, s.ms])).toEqual([["listen", 60_000], ["ready", 3_600_000]]);
    h.send({ type: "replicaEvent", spawn: 1, event: { event: "listening", host: "127.0.0.1", port: 5001 } });
    h.send({ type: "replicaEvent", spawn: 1, event: { event: "progress", phase: "loading", fraction: 0.5 } });
    expect(h.state.lifecycle).toBe("loading");
    h.send({ type: "replicaEvent", spawn: 1, event: { event: "ready" } });
    expect(h.state.lifecycle).toBe("loading");
    expect(h.effects).toEqual([{ type: "checkHealth", spawn: 1, check: "confirm", attempt: 0 }]);
    h.send({ type: "health", spawn: 1, check: "confirm", attempt: 0, ok: false, reason: "HTTP 503" });
    expect(h.state.lifecycle).toBe("loading");
    expect(h.scheduled()[0]).toEqual({ type: "schedule", ms: 200, timer: { name: "confirmReady", spawn: 1, attempt: 1 } });
    h.send({ type: "timer", timer: { name: "confirmReady", spawn: 1, attempt: 1 } });
    h.send({ type: "health", spawn: 1, check: "confirm", attempt: 1, ok: true, reason: "" });
    expect(h.state.lifecycle).toBe("ready");
    expect(h.has("settleLaunch")).toBe(true);
    expect(replicaRecord(h.state, 2)).toMatchObject({
      pid: 4242,
      port: 5001,
      lifecycle: "ready",
      gpus: [1],
      cudaVisibleDevices: "GPU-b",
      ongoingRequests: 2,
      restarts: 0,
    });
    expect(replicaRecord(h.state, 0).progress).toBeUndefined();
  });

  it("should restart a crashed replica with growing delays and reset the count after a stable stretch", () => {
    const h = new Harness();
    h.bringUp(100);
    const delays: number[] = [];
    for (let pid = 101; pid <= 105; pid++) {
      h.send({ type: "exited", spawn: h.state.spawns, how: "exited with code 3" });
      expect(h.state.lifecycle).toBe("backoff");
      expect(h.effects).toContainEqual({ type: "reapGroup", pid: pid - 1 });
      delays.push(h.scheduled().find((s) => s.timer.name === "restart")!.ms);
      h.send({ type: "timer", timer: { name: "restart" } });
      expect(h.effects).toEqual([{ type: "launch" }]);
      h.bringUp(pid);
    }
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000]);
    expect(h.state.restarts).toBe(5);
    expect(replicaRecord(h.state, 0).lastError).toBe("the replica process exited with code 3");
    // A minute and more of running since the last start: the next crash counts as the first again.
    h.nowMs += 61_000;
    h.send({ type: "exited", spawn: h.state.spawns, how: "was killed by SIGKILL" });
    expect(h.state.failures).toBe(1);
    expect(h.scheduled().find((s) => s.timer.name === "restart")!.ms).toBe(500);
    expect(restartDelayMs(20)).toBe(30_000);
  });

  it("should report a `failed` event's reason when its process exits, and stay failed when the owner gives up", () => {
    const h = new Harness();
    h.giveUp = (failures, everReady) => !everReady && failures >= 2;
    h.send({ type: "start" });
    h.send({ type: "placed", gpus: [], cudaVisibleDevices: undefined });
    h.send({ type: "spawned", spawn: 1, pid: 7 });
    h.send({ type: "replicaEvent", spawn: 1, event: { event: "failed", reason: "model file is not a GGUF" } });
    h.send({ type: "exited", spawn: 1, how: "exited with code 1" });
    expect(h.state.lifecycle).toBe("backoff");
    h.send({ type: "timer", timer: { name: "restart" } });
    h.send({ type: "placed", gpus: [], cudaVisibleDevices: undefined });
    h.send({ type: "spawned", spawn: 2, pid: 8 });
    h.send({ type: "replicaEvent", spawn: 2, event: { event: "failed", reason: "model file is not a GGUF" } });
    h.send({ type: "exited", spawn: 2, how: "exited with code 1" });
    expect(h.state.lifecycle).toBe("failed");
    expect(h.scheduled()).toEqual([]);
    expect(replicaRecord(h.state, 0)).toMatchObject({ lifecycle: "failed", lastError: "model file is not a GGUF", restarts: 1, pid: 0 });
  });

  it("should kill a replica after three failed health checks in a row, then restart it, and forgive isolated failures", () => {
    const h = new Harness();
    h.bringUp(100);
    const spawn = h.state.spawns;
    const check = (ok: boolean): void => {
      h.send({ type: "timer", timer: { name: "healthCheck", spawn } });
      expect(h.effects).toEqual([{ type: "checkHealth", spawn, check: "periodic", attempt: 0 }]);
      h.send({ type: "health", spawn, check: "periodic", attempt: 0, ok, reason: ok ? "" : "health check timed out after 10 s" });
    };
    check(false);
    check(false);
    check(true);
    expect(h.state.healthFailures).toBe(0);
    expect(h.state.lifecycle).toBe("ready");
    check(false);
    check(false);
    check(false);
    expect(h.state.lifecycle).toBe("backoff");
    expect(h.effects).toContainEqual({ type: "stopFailedGroup", pid: 100, reason: expect.stringMatching(/^hung: 3 health checks/) });
    // Until its group is gone, the hung pid stays in the record so `shutdown` can find it.
    expect(replicaRecord(h.state, 0).pid).toBe(100);
    // Its own exit arrives late and is not a second failure.
    h.send({ type: "exited", spawn, how: "was killed by SIGTERM" });
    expect(h.effects).toEqual([]);
    h.send({ type: "failedGroupStopped", reason: h.state.lastError! });
    expect(replicaRecord(h.state, 0).pid).toBe(0);
    expect(h.scheduled().map((s) => s.timer.name)).toEqual(["restart"]);
    expect(h.state.failures).toBe(1);
  });

  it("should fail a replica that does not listen in time, and ignore timers of an earlier process", () => {
    const h = new Harness();
    h.send({ type: "start" });
    h.send({ type: "placed", gpus: [], cudaVisibleDevices: undefined });
    h.send({ type: "spawned", spawn: 1, pid: 9 });
    h.send({ type: "timer", timer: { name: "listen", spawn: 1 } });
    expect(h.state.lastError).toBe("the replica did not listen within 60 s");
    expect(h.effects).toContainEqual({ type: "stopFailedGroup", pid: 9, reason: "the replica did not listen within 60 s" });
    h.send({ type: "failedGroupStopped", reason: "the replica did not listen within 60 s" });
    h.send({ type: "timer", timer: { name: "restart" } });
    h.send({ type: "placed", gpus: [], cudaVisibleDevices: undefined });
    h.send({ type: "spawned", spawn: 2, pid: 10 });
    h.send({ type: "timer", timer: { name: "ready", spawn: 1 } });
    expect(h.effects).toEqual([]);
    expect(h.state.lifecycle).toBe("starting");
  });

  it("should stay pending with the placement's reason, ask again when told to, and never when it cannot fit", () => {
    const h = new Harness();
    h.send({ type: "start" });
    h.send({ type: "pending", reason: "needs 1 x H200, 0 of 1 free", retryMs: 2_000 });
    expect(h.state.lifecycle).toBe("pending");
    expect(h.effects).toContainEqual({ type: "log", message: "replica r1: pending: needs 1 x H200, 0 of 1 free" });
    expect(h.scheduled()).toEqual([{ type: "schedule", ms: 2_000, timer: { name: "placementRetry" } }]);
    expect(replicaRecord(h.state, 0).pendingReason).toBe("needs 1 x H200, 0 of 1 free");
    h.send({ type: "timer", timer: { name: "placementRetry" } });
    expect(h.effects).toEqual([{ type: "launch" }]);
    // The same reason again is not logged again.
    h.send({ type: "pending", reason: "needs 1 x H200, 0 of 1 free", retryMs: 2_000 });
    expect(h.has("log")).toBe(false);
    h.send({ type: "placed", gpus: [0], cudaVisibleDevices: "GPU-a" });
    expect(h.state.pendingReason).toBeUndefined();
    expect(h.effects).toEqual([{ type: "spawn", spawn: 1 }]);

    const never = new Harness();
    never.send({ type: "start" });
    never.send({ type: "pending", reason: "needs 8 x A100-40G, this machine has 1 x NVIDIA H200", retryMs: undefined });
    expect(never.state.unplaceable).toBe(true);
    expect(never.scheduled()).toEqual([]);
  });

  it("should stop the process group once, report the result, and ignore news from the stopped process", () => {
    const h = new Harness();
    h.bringUp(100);
    h.send({ type: "stop" });
    expect(h.state.lifecycle).toBe("stopping");
    expect(h.effects).toContainEqual({ type: "stopGroup", pid: 100, running: true });
    expect(h.effects).toContainEqual({ type: "clearTimers" });
    expect(replicaRecord(h.state, 0).pid).toBe(100);
    expect(h.send({ type: "stop" })).toEqual([]);
    expect(h.send({ type: "exited", spawn: h.state.spawns, how: "was killed by SIGTERM" })).toEqual([]);
    h.send({ type: "stopped", gone: true, how: "killed" });
    expect(h.state.lifecycle).toBe("stopped");
    expect(h.effects).toContainEqual({ type: "log", message: "replica r1: pid 100 killed after the grace period" });
    expect(h.effects).toContainEqual({ type: "stopDone", gone: true });
    expect(replicaRecord(h.state, 0)).toMatchObject({ pid: 0, port: 0 });
  });

  it("should give a placement that arrives after stop back at once, without spawning", () => {
    const h = new Harness();
    h.send({ type: "start" });
    h.send({ type: "stop" });
    expect(h.effects).toContainEqual({ type: "stopGroup", pid: 0, running: false });
    expect(h.send({ type: "placed", gpus: [0], cudaVisibleDevices: "GPU-a" })).toEqual([{ type: "settleLaunch" }]);
    expect(h.send({ type: "launchFailed", message: "boom" })).toEqual([]);
  });
});
