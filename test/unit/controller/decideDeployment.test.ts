import { describe, expect, it } from "vitest";
import type { DeploymentSpec } from "../../../src/controller/controllerSpec.js";
import { classifyUpdate, decideDeployment } from "../../../src/controller/deployment/decideDeployment.js";
import {
  deploymentPhase,
  initialDeploymentState,
  replicaGivesUp,
  routableReplicaIds,
  type DeploymentEffect,
  type DeploymentInput,
  type DeploymentState,
  NOT_STARTED_REPLICA,
  type ReplicaView,
} from "../../../src/controller/deployment/DeploymentState.js";
import { deploymentStatus } from "../../../src/controller/deployment/deploymentStatus.js";
import { deploymentSpec, type DeploymentSpecOverrides } from "../../helpers/deploymentSpec.js";

// The deployment machine alone: no process, no queue, no timer. The harness plays the shell: it keeps a view of
// every replica the machine started and answers retirements when the test says the replica has stopped.
function spec(overrides: DeploymentSpecOverrides = {}): DeploymentSpec {
  return deploymentSpec({ initialReplicas: 2, gracefulShutdownTimeoutMs: 20_000, ...overrides });
}

const fresh = NOT_STARTED_REPLICA;

class Harness {
  state: DeploymentState;
  views = new Map<string, ReplicaView>();
  effects: DeploymentEffect[] = [];
  /** Replicas told to retire and not yet answered, with their drain budget. */
  retiring = new Map<string, number | undefined>();

  constructor(initial: DeploymentSpec) {
    this.state = initialDeploymentState(initial);
  }

  send(input: DeploymentInput): DeploymentEffect[] {
    const next = decideDeployment(this.state, input, this.views);
    this.state = next.state;
    this.effects = [...next.effects];
    for (const effect of this.effects) {
      if (effect.type === "startReplica") this.views.set(effect.id, { ...fresh });
      if (effect.type === "retireReplica") this.retiring.set(effect.id, effect.drainMs);
    }
    return this.effects;
  }

  /** A replica's supervisor reports a change; the shell then asks the machine to evaluate. */
  replica(id: string, change: Partial<ReplicaView>): void {
    this.views.set(id, { ...(this.views.get(id) ?? fresh), ...change });
    this.send({ type: "evaluate" });
  }

  ready(...ids: string[]): void {
    for (const id of ids) this.replica(id, { lifecycle: "ready", everReady: true, startedAtMs: 1_000 });
  }

  /** The retired replica's process group is gone. */
  stopped(id: string): void {
    this.retiring.delete(id);
    this.views.delete(id);
    this.send({ type: "retired", id });
  }

  started(): string[] {
    return this.effects.flatMap((e) => (e.type === "startReplica" ? [e.id] : []));
  }

  logs(): string[] {
    return this.effects.flatMap((e) => (e.type === "log" ? [e.message] : []));
  }

  status(): ReturnType<typeof deploymentStatus> {
    return deploymentStatus(this.state, this.views);
  }
}

function deployed(replicas = 2, overrides: Partial<DeploymentSpec> = {}): Harness {
  const h = new Harness(spec({ initialReplicas: replicas, ...overrides }));
  h.send({ type: "start" });
  h.ready(...h.state.serving.replicaIds);
  return h;
}

describe("decideDeployment", () => {
  it("should start the target replicas, stay UPDATING until all are ready, then be HEALTHY", () => {
    const h = new Harness(spec());
    h.send({ type: "start" });
    expect(h.started()).toEqual(["r1", "r2"]);
    expect(h.status()).toEqual({ status: "UPDATING", trigger: "CONFIG_UPDATE_STARTED", message: "0 of 2 replicas ready." });
    h.ready("r1");
    expect(deploymentPhase(h.state)).toBe("deploying");
    h.ready("r2");
    expect(h.logs()).toEqual(["app/m: deployed (2 replica(s) ready)"]);
    expect(deploymentPhase(h.state)).toBe("running");
    expect(h.status()).toEqual({ status: "HEALTHY", trigger: "CONFIG_UPDATE_COMPLETED", message: "" });
  });

  it("should deploy at once with zero replicas wanted", () => {
    const h = new Harness(spec({ initialReplicas: 0 }));
    h.send({ type: "start" });
    expect(h.started()).toEqual([]);
    h.send({ type: "evaluate" });
    expect(h.status().status).toBe("HEALTHY");
  });

  it("should roll out a new version beside the old one, serve from the old until the new is ready, then drain the old", () => {
    const h = deployed();
    expect(classifyUpdate(h.state, spec({ version: "v2" }))).toBe("redeploying");
    h.send({ type: "update", spec: spec({ version: "v2" }) });
    expect(h.started()).toEqual(["r3", "r4"]);
    expect(h.status()).toEqual({
      status: "UPDATING",
      trigger: "CONFIG_UPDATE_STARTED",
      message: "0 of 2 replicas ready (new version; the previous one keeps serving).",
    });
    const isReady = (id: string): boolean => h.views.get(id)?.lifecycle === "ready";
    h.ready("r3");
    expect(routableReplicaIds(h.state, isReady)).toEqual(["r1", "r2"]);
    h.ready("r4");
    expect(h.state.serving.spec.version).toBe("v2");
    expect([...h.retiring]).toEqual([["r1", 20_000], ["r2", 20_000]]);
    expect(routableReplicaIds(h.state, isReady)).toEqual(["r3", "r4"]);
    expect(h.status()).toEqual({ status: "HEALTHY", trigger: "CONFIG_UPDATE_COMPLETED", message: "" });
    h.stopped("r1");
    h.stopped("r2");
    expect(h.state.serving.replicaIds).toEqual(["r3", "r4"]);
  });

  it("should abandon a rollout whose replica fails to start and keep the old version serving", () => {
    const h = deployed();
    h.send({ type: "update", spec: spec({ version: "v2" }) });
    h.replica("r3", { lifecycle: "failed", consecutiveFailures: 3, lastError: "model file is not a GGUF" });
    expect(h.state.rollout).toBeUndefined();
    expect([...h.retiring]).toEqual([["r3", undefined], ["r4", undefined]]);
    expect(h.status()).toEqual({
      status: "DEPLOY_FAILED",
      trigger: "REPLICA_STARTUP_FAILED",
      message: "the new version failed to start (replica r3: model file is not a GGUF); the previous version keeps serving",
    });
    expect(routableReplicaIds(h.state, () => true)).toEqual(["r1", "r2"]);
    expect(h.state.serving.spec.version).toBe("v1");
    // Applying the serving version again clears the failure without touching its replicas.
    expect(classifyUpdate(h.state, spec())).toBe("unchanged");
    h.send({ type: "update", spec: spec() });
    expect(h.started()).toEqual([]);
    expect(h.status().status).toBe("HEALTHY");
  });

  it("should abandon a rollout that can never be placed, and free GPUs one old replica at a time for one that waits", () => {
    const never = deployed();
    never.send({ type: "update", spec: spec({ version: "v2" }) });
    never.replica("r3", { pendingReason: "needs 8 x A100-40G, this machine has 1 x NVIDIA H200", unplaceable: true });
    expect(never.status().message).toBe(
      "the new version cannot be placed: needs 8 x A100-40G, this machine has 1 x NVIDIA H200; the previous version keeps serving",
    );

    const waits = deployed();
    waits.replica("r2", { ongoingRequests: 3 });
    waits.send({ type: "update", spec: spec({ version: "v2" }) });
    waits.replica("r3", { pendingReason: "needs 1 x H200, 0 of 1 free" });
    // The least busy old replica goes first, and only one while it drains.
    expect([...waits.retiring.keys()]).toEqual(["r1"]);
    waits.replica("r4", { pendingReason: "needs 1 x H200, 0 of 1 free" });
    expect([...waits.retiring.keys()]).toEqual(["r1"]);
  });

  it("should fail a first deploy whose replica fails STARTUP_FAILURE_LIMIT times, stopping every replica at once", () => {
    const h = new Harness(spec());
    h.send({ type: "start" });
    expect(replicaGivesUp(h.state, "r1", 2, false)).toBe(false);
    expect(replicaGivesUp(h.state, "r1", 3, false)).toBe(true);
    h.replica("r1", { lifecycle: "failed", consecutiveFailures: 3, lastError: "out of memory" });
    expect(h.status()).toEqual({
      status: "DEPLOY_FAILED",
      trigger: "REPLICA_STARTUP_FAILED",
      message: "replica r1 failed to start 3 times in a row: out of memory",
    });
    expect([...h.retiring]).toEqual([["r1", undefined], ["r2", undefined]]);
    expect(deploymentPhase(h.state)).toBe("failed");
  });

  it("should scale up with UPSCALING until the new replicas are ready", () => {
    const h = deployed(1);
    h.send({ type: "setTarget", target: 3, reason: "Upscaling from 1 to 3 replicas." });
    expect(h.started()).toEqual(["r2", "r3"]);
    expect(h.logs()).toEqual(["app/m: Upscaling from 1 to 3 replicas."]);
    h.replica("r3", { pendingReason: "needs 1 x H200, 0 of 1 free" });
    expect(h.status()).toEqual({
      status: "UPSCALING",
      trigger: "AUTOSCALING",
      message: "Upscaling from 1 to 3 replicas. Replica r3 is pending: needs 1 x H200, 0 of 1 free.",
    });
    h.ready("r2", "r3");
    expect(h.status()).toEqual({ status: "HEALTHY", trigger: "UPSCALE_COMPLETED", message: "" });
  });

  it("should scale down by draining the cheapest replica, DOWNSCALING until it has stopped", () => {
    const h = deployed(3);
    h.replica("r1", { ongoingRequests: 2 });
    h.replica("r2", { ongoingRequests: 0 });
    h.replica("r3", { ongoingRequests: 5 });
    h.send({ type: "setTarget", target: 1 });
    expect(h.logs()).toEqual(["app/m: scaling from 3 to 1 replicas"]);
    expect([...h.retiring]).toEqual([["r2", 20_000], ["r1", 20_000]]);
    expect(routableReplicaIds(h.state, () => true)).toEqual(["r3"]);
    expect(h.status().status).toBe("DOWNSCALING");
    h.stopped("r2");
    expect(h.status().status).toBe("DOWNSCALING");
    h.stopped("r1");
    h.send({ type: "evaluate" });
    expect(h.status()).toEqual({ status: "HEALTHY", trigger: "DOWNSCALE_COMPLETED", message: "" });
  });

  it("should prefer a replica that has not started over a ready one when scaling down", () => {
    const h = deployed(1);
    h.send({ type: "setTarget", target: 2 });
    h.send({ type: "setTarget", target: 1 });
    expect([...h.retiring.keys()]).toEqual(["r2"]);
  });

  it("should rescale in place when only num_replicas changes", () => {
    const h = deployed(1);
    expect(classifyUpdate(h.state, spec({ initialReplicas: 2 }))).toBe("rescaled");
    h.send({ type: "update", spec: spec({ initialReplicas: 2 }) });
    expect(h.started()).toEqual(["r2"]);
    expect(h.logs()).toEqual(["app/m: num_replicas changed: scaling from 1 to 2 replicas"]);
    expect(classifyUpdate(h.state, spec({ initialReplicas: 2, configPath: "/elsewhere.yaml" }))).toBe("unchanged");
  });

  it("should show UNHEALTHY while a running replica keeps failing, and HEALTHY again once it recovers", () => {
    const h = deployed(2);
    expect(replicaGivesUp(h.state, "r1", 10, true)).toBe(false);
    h.replica("r1", { lifecycle: "backoff", consecutiveFailures: 1, lastError: "the replica process exited with code 3" });
    expect(h.status().status).toBe("HEALTHY");
    h.replica("r1", { consecutiveFailures: 3 });
    expect(h.status()).toEqual({
      status: "UNHEALTHY",
      trigger: "HEALTH_CHECK_FAILED",
      message:
        "1 of 2 replicas running; replica r1 failed 3 time(s) in a row, restarting with backoff: the replica process exited with code 3",
    });
    h.ready("r1");
    expect(h.status()).toEqual({ status: "HEALTHY", trigger: "CONFIG_UPDATE_COMPLETED", message: "" });
    // With no replica ready, one failure is already UNHEALTHY.
    const lone = deployed(1);
    lone.replica("r1", { lifecycle: "backoff", consecutiveFailures: 1, lastError: "hung" });
    expect(lone.status().status).toBe("UNHEALTHY");
  });

  it("should fail the queue and drain every replica on delete, and ignore scaling afterwards", () => {
    const h = deployed(2);
    h.send({ type: "delete" });
    expect(h.effects).toContainEqual({ type: "rejectQueued", message: "the deployment app/m is being deleted" });
    expect([...h.retiring]).toEqual([["r1", 20_000], ["r2", 20_000]]);
    expect(h.status()).toEqual({ status: "UPDATING", trigger: "DELETING", message: "Deleting." });
    expect(h.send({ type: "setTarget", target: 5 })).toEqual([]);
    expect(deploymentPhase(h.state)).toBe("deleting");
  });

  it("should replace a first deploy that has not finished outright when a new version arrives", () => {
    const h = new Harness(spec());
    h.send({ type: "start" });
    h.send({ type: "update", spec: spec({ version: "v2", initialReplicas: 1 }) });
    expect([...h.retiring]).toEqual([["r1", undefined], ["r2", undefined]]);
    expect(h.started()).toEqual(["r3"]);
    expect(h.state.serving.spec.version).toBe("v2");
  });
});
