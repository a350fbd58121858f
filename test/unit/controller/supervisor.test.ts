import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isGroupAlive, isPidAlive } from "../../../src/process/processGroup.js";
import { superviseReplica, type SupervisedReplica, type SuperviseReplicaOptions } from "../../../src/controller/supervisor.js";
import { createTempHome } from "../../helpers/cli.js";
import { FAKE_REPLICA, waitFor } from "../../helpers/controllerHarness.js";

// Supervisor edge cases against the fixture replica (test/fixtures/fakeReplica.mjs): crash, hang, slow or failed
// startup, SIGTERM ignored. No test here claims serving behaviour.
describe("superviseReplica", () => {
  let home: { path: string; remove: () => void };
  const started: SupervisedReplica[] = [];

  beforeEach(() => {
    home = createTempHome("llmserve-supervisor-");
  });
  afterEach(async () => {
    for (const replica of started.splice(0)) replica.killNow();
    home.remove();
  });

  const supervise = (env: Record<string, string>, overrides: Partial<SuperviseReplicaOptions> = {}): SupervisedReplica => {
    const replica = superviseReplica({
      id: "r1",
      version: "v1",
      launch: () => ({ file: process.execPath, args: [FAKE_REPLICA, "replica", "--model", "m1"], env, gpus: [] }),
      logFile: join(home.path, "logs", "r1.log"),
      healthCheckPeriodMs: 200,
      healthCheckTimeoutMs: 300,
      stopGraceMs: 1_000,
      giveUp: () => false,
      onChange: () => undefined,
      log: () => undefined,
      ...overrides,
    });
    started.push(replica);
    replica.start();
    return replica;
  };

  it("should become ready only after the ready event and a passing /health, reporting load progress", async () => {
    const seen = new Set<string>();
    const box: { replica?: SupervisedReplica } = {};
    const replica = supervise({ FAKE_READY_DELAY_MS: "600" }, {
      onChange: () => {
        if (box.replica === undefined) return;
        const record = box.replica.record();
        if (record.progress !== undefined) seen.add(`${record.lifecycle}:${record.progress.phase}`);
      },
    });
    box.replica = replica;
    await waitFor("ready", () => replica.isReady(), 10_000);
    expect(seen.has("loading:loading")).toBe(true);
    expect(replica.record().pid).toBeGreaterThan(0);
    expect(replica.record().port).toBeGreaterThan(0);
    expect(replica.record().progress).toBeUndefined();
  });

  it("should restart a crashed replica with a new pid and count the restart", async () => {
    const crashedFile = join(home.path, "crashed");
    const replica = supervise({ FAKE_CRASH_AFTER_MS: "100", FAKE_CRASH_ONCE_FILE: crashedFile });
    await waitFor("restarted", () => replica.record().restarts === 1 && replica.isReady(), 10_000);
    // The fixture writes its own pid into the file as it crashes: the first process, whatever the polling saw.
    const firstPid = Number(readFileSync(crashedFile, "utf8"));
    expect(firstPid).toBeGreaterThan(0);
    expect(replica.record().pid).not.toBe(firstPid);
    expect(isPidAlive(firstPid)).toBe(false);
    expect(replica.record().lastError).toMatch(/exited with code 3/);
  });

  it("should back off exponentially between restarts of a crash loop", async () => {
    const startTimes: number[] = [];
    let lastPid = 0;
    const box: { replica?: SupervisedReplica } = {};
    const replica = supervise({ FAKE_CRASH_AFTER_MS: "0" }, {
      onChange: () => {
        const pid = box.replica?.record().pid ?? 0;
        if (pid > 0 && pid !== lastPid) {
          lastPid = pid;
          startTimes.push(Date.now());
        }
      },
    });
    box.replica = replica;
    await waitFor("four observed starts", () => startTimes.length >= 4, 20_000);
    const gaps = startTimes.slice(1).map((t, i) => t - startTimes[i]!);
    // 500 ms, 1 s, 2 s backoff (plus start-up time): each gap is longer than the one before.
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    expect(gaps[1]!).toBeGreaterThan(gaps[0]!);
    expect(gaps[2]!).toBeGreaterThan(gaps[1]!);
    expect(replica.consecutiveFailures()).toBeGreaterThanOrEqual(3);
  });

  it("should give up and stay failed with the replica's reason when giveUp says so", async () => {
    const replica = supervise({ FAKE_FAIL_STARTUP: "model file is not a GGUF" }, {
      giveUp: (failures, everReady) => !everReady && failures >= 2,
    });
    await waitFor("failed", () => replica.record().lifecycle === "failed", 15_000);
    expect(replica.record().lastError).toBe("model file is not a GGUF");
    expect(replica.record().restarts).toBe(1);
    expect(replica.record().pid).toBe(0);
  });

  it("should kill and restart a hung replica after repeated failed health checks", async () => {
    const replica = supervise({ FAKE_HANG_AFTER_MS: "200", FAKE_CRASH_ONCE_FILE: join(home.path, "unused") });
    await waitFor("ready", () => replica.isReady(), 10_000);
    const hungPid = replica.record().pid;
    await waitFor("hung replica replaced", () => replica.record().restarts >= 1, 20_000);
    expect(replica.record().lastError).toMatch(/^hung: 3 health checks in a row failed/);
    await waitFor("hung process gone", () => !isPidAlive(hungPid), 10_000);
  });

  it("should SIGKILL a replica that ignores SIGTERM once the grace period is over", async () => {
    const replica = supervise({ FAKE_IGNORE_SIGTERM: "1" }, { stopGraceMs: 500 });
    await waitFor("ready", () => replica.isReady(), 10_000);
    const pid = replica.record().pid;
    const before = Date.now();
    const gone = await replica.stop();
    expect(gone).toBe(true);
    expect(Date.now() - before).toBeGreaterThanOrEqual(450);
    expect(isGroupAlive(pid)).toBe(false);
    expect(replica.record().lifecycle).toBe("stopped");
  });
});
