import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ControllerState } from "../../../src/protocol/ControllerState.js";
import { StateLockHeldError } from "../../../src/process/errors/StateLockHeldError.js";
import { acquireStateLock, readLockPid, stateLockPath } from "../../../src/process/stateLock.js";
import { readStateFile, stateFilePath, writeStateFile } from "../../../src/protocol/stateFile.js";
import { createTempHome, REPO_ROOT } from "../../helpers/cli.js";

async function deadPid(): Promise<number> {
  const child = execa(process.execPath, ["-e", ""]);
  await child;
  return child.pid!;
}

// Each racer takes the lock with the built module (a real separate process), holds it briefly, and says whether it won.
const RACER = `
import { acquireStateLock } from ${JSON.stringify(join(REPO_ROOT, "dist/process/stateLock.js"))};
try { const lock = acquireStateLock(process.argv[1]); console.log("won"); setTimeout(() => lock.release(), 1500); }
catch (error) { console.log(error.name === "StateLockHeldError" ? "lost" : "error " + error.message); }
`;

describe("acquireStateLock", () => {
  let home: { path: string; remove: () => void };
  beforeEach(() => {
    home = createTempHome("llmserve-lock-");
  });
  afterEach(() => home.remove());

  it("should record the holder's pid and refuse a second holder while it lives", () => {
    const lock = acquireStateLock(home.path, process.pid);
    expect(readLockPid(stateLockPath(home.path))).toBe(process.pid);
    const error = (() => {
      try {
        acquireStateLock(home.path, 424242);
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(StateLockHeldError);
    expect((error as StateLockHeldError).holderPid).toBe(process.pid);
    lock.release();
    expect(readLockPid(stateLockPath(home.path))).toBeUndefined();
  });

  it("should take over a stale lock whose pid is dead", async () => {
    writeFileSync(stateLockPath(home.path), JSON.stringify({ pid: await deadPid(), createdAt: 0 }));
    const lock = acquireStateLock(home.path, process.pid);
    expect(readLockPid(lock.path)).toBe(process.pid);
    lock.release();
  });

  it.each([
    ["no lock", false],
    ["a stale lock", true],
  ])("should let exactly one of eight racing processes win with %s", async (_name, stale) => {
    if (stale) writeFileSync(stateLockPath(home.path), JSON.stringify({ pid: await deadPid(), createdAt: 0 }));
    const racers = Array.from({ length: 8 }, () =>
      execa(process.execPath, ["--input-type=module", "-e", RACER, home.path], { reject: false }),
    );
    const outputs = (await Promise.all(racers)).map((r) => String(r.stdout).trim());
    expect(outputs.filter((o) => o === "won")).toHaveLength(1);
    expect(outputs.filter((o) => o === "lost")).toHaveLength(7);
  });
});

describe("writeStateFile", () => {
  let home: { path: string; remove: () => void };
  beforeEach(() => {
    home = createTempHome("llmserve-state-");
  });
  afterEach(() => home.remove());

  const state: ControllerState = {
    version: 1,
    controller: {
      pid: 1234, startedAt: 1, host: "127.0.0.1", port: 8000, adminPort: 9000, adminToken: "secret",
      configPath: "/x.yaml", configHash: "abc", logFile: "/log", gracefulShutdownTimeoutMs: 20_000,
    },
    applications: [],
    updatedAt: 2,
  };

  it("should round-trip the state and keep the file private (it holds the admin token)", () => {
    writeStateFile(home.path, state);
    expect(readStateFile(home.path)).toEqual(state);
    expect(statSync(stateFilePath(home.path)).mode & 0o777).toBe(0o600);
  });

  it("should treat a torn or foreign file as no state", () => {
    writeFileSync(stateFilePath(home.path), '{"version":1,"controller":');
    expect(readStateFile(home.path)).toBeUndefined();
    writeFileSync(stateFilePath(home.path), '{"hello":"world"}');
    expect(readStateFile(home.path)).toBeUndefined();
  });
});
