import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { StateLockHeldError } from "./errors/StateLockHeldError.js";
import { isPidAlive } from "./processGroup.js";
import { LOCK_TAKEOVER_STALE_MS } from "./timeouts.js";

/** $LLMSERVE_HOME/state.lock: exists while a controller owns the home; holds that controller's pid. */
export function stateLockPath(home: string): string {
  return join(home, "state.lock");
}

export interface StateLock {
  path: string;
  pid: number;
  /** Removes the lock if it is still ours. */
  release: () => void;
}

/**
 * Takes the state lock for `pid` with O_EXCL, so of two racing `run`s exactly one controller wins.
 * A lock whose pid is dead is stale and taken over; the takeover itself is serialised by a second O_EXCL file so
 * two processes cannot both remove the stale lock and then each other's fresh one.
 */
export function acquireStateLock(home: string, pid = process.pid): StateLock {
  mkdirSync(home, { recursive: true });
  const path = stateLockPath(home);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(path, pid)) return { path, pid, release: () => releaseIfOurs(path, pid) };
    const holder = readLockPid(path);
    if (holder !== undefined && isPidAlive(holder)) throw new StateLockHeldError(path, holder);
    // No readable pid yet: the winner may be between open and write. Give it a moment.
    if (holder === undefined) sleepSync(20 * (attempt + 1));
    takeOverStale(path, holder);
  }
  throw new StateLockHeldError(path, readLockPid(path) ?? 0);
}

/** The pid recorded in the lock, or undefined when there is no lock (or it is being written). */
export function readLockPid(path: string): number | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as { pid?: unknown };
    return typeof parsed.pid === "number" ? parsed.pid : undefined;
  } catch {
    return undefined;
  }
}

/** Removes a lock whose holder is dead (used by status/shutdown when reconciling). */
export function removeStaleStateLock(home: string): boolean {
  const path = stateLockPath(home);
  if (!existsSync(path)) return true;
  const holder = readLockPid(path);
  if (holder !== undefined && isPidAlive(holder)) return false;
  takeOverStale(path, holder);
  return true;
}

function tryCreate(path: string, pid: number): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify({ pid, createdAt: Date.now() }));
  } finally {
    closeSync(fd);
  }
  return true;
}

function takeOverStale(path: string, stalePid: number | undefined): void {
  const marker = `${path}.takeover`;
  if (!tryCreate(marker, process.pid)) {
    // Someone else is taking over; a marker left by a crashed process expires.
    if (ageMs(marker) > LOCK_TAKEOVER_STALE_MS) rmSync(marker, { force: true });
    return;
  }
  try {
    const holder = readLockPid(path);
    // Remove only the lock we judged stale; a lock just written by the winner of a race has a live pid.
    if (holder === stalePid || (holder !== undefined && !isPidAlive(holder))) {
      // A lock file without a readable pid is only stale once it is old (its writer may be mid-write).
      if (holder !== undefined || ageMs(path) > LOCK_TAKEOVER_STALE_MS) rmSync(path, { force: true });
    }
  } finally {
    rmSync(marker, { force: true });
  }
}

function releaseIfOurs(path: string, pid: number): void {
  if (readLockPid(path) === pid) rmSync(path, { force: true });
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
