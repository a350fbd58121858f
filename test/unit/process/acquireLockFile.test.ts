import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireLockFile, readLockHolder, removeStaleLockFile } from "../../../src/process/acquireLockFile.js";
import { readProcessIdentity } from "../../../src/process/processIdentity.js";
import { createTempHome, REPO_ROOT } from "../../helpers/cli.js";

async function deadPid(): Promise<number> {
  const child = execa(process.execPath, ["-e", ""]);
  await child;
  return child.pid!;
}

// Each racer spins until the same instant, then holds the lock (the built module, in a real separate process) for
// 100 ms, logging when it entered and left.
const RACER = `
import { appendFileSync } from "node:fs";
import { withLockFile } from ${JSON.stringify(join(REPO_ROOT, "dist/process/withLockFile.js"))};
const [lockPath, logPath, startAt] = process.argv.slice(1);
while (Date.now() < Number(startAt)) {}
await withLockFile(lockPath, undefined, async () => {
  appendFileSync(logPath, "enter " + process.pid + "\\n");
  await new Promise((resolve) => setTimeout(resolve, 100));
  appendFileSync(logPath, "exit " + process.pid + "\\n");
});
`;

describe("acquireLockFile", () => {
  let dir: { path: string; remove: () => void };
  let lockPath: string;
  beforeEach(() => {
    dir = createTempHome("llmserve-lock-");
    lockPath = join(dir.path, "models", "model.gguf.lock");
    mkdirSync(dirname(lockPath), { recursive: true });
  });
  afterEach(() => dir.remove());

  it("should record the holder's pid and start time and refuse anyone else while it lives", () => {
    const first = acquireLockFile(lockPath);
    expect(first.acquired).toBe(true);
    expect(readLockHolder(lockPath)).toEqual(readProcessIdentity(process.pid));
    expect(readLockHolder(lockPath)?.startTime).toMatch(/^[\w-]+\/\d+$/);
    expect(acquireLockFile(lockPath)).toEqual({ acquired: false, holder: readProcessIdentity(process.pid) });
    if (first.acquired) first.lock.release();
    expect(readLockHolder(lockPath)).toBeUndefined();
  });

  it("should take over a lock whose holder is dead, or whose pid now belongs to a process that started later", async () => {
    writeFileSync(lockPath, JSON.stringify({ pid: await deadPid(), createdAt: 0 }));
    const taken = acquireLockFile(lockPath);
    expect(taken.acquired).toBe(true);
    if (taken.acquired) taken.lock.release();
    // Our own pid with another start time: the pid was reused, the holder it named is gone.
    writeFileSync(lockPath, JSON.stringify({ pid: process.pid, startTime: "another-boot/12345", createdAt: 0 }));
    const reused = acquireLockFile(lockPath);
    expect(reused.acquired).toBe(true);
    expect(JSON.parse(readFileSync(lockPath, "utf8"))).toMatchObject(readProcessIdentity(process.pid)!);
  });

  it("should find nothing to remove where there is no lock, even in a folder not made yet", () => {
    expect(removeStaleLockFile(join(dir.path, "not-yet", "state.lock"))).toBe(true);
    expect(existsSync(join(dir.path, "not-yet"))).toBe(false);
  });

  it("should give a stale lock to one racer at a time: eight processes each hold it alone, in turn", async () => {
    writeFileSync(lockPath, JSON.stringify({ pid: await deadPid(), createdAt: 0 }));
    const logPath = join(dir.path, "holders.log");
    writeFileSync(logPath, "");
    const startAt = String(Date.now() + 2_000);
    const racers = Array.from({ length: 8 }, () => execa(process.execPath, ["--input-type=module", "-e", RACER, lockPath, logPath, startAt]));
    await Promise.all(racers);
    const events = readFileSync(logPath, "utf8").trim().split("\n");
    expect(events).toHaveLength(16);
    for (let index = 0; index < events.length; index += 2) {
      const [enter, exit] = [events[index]!.split(" "), events[index + 1]!.split(" ")];
      expect([enter[0], exit[0], exit[1]], events.join(", ")).toEqual(["enter", "exit", enter[1]]);
    }
  });
});
