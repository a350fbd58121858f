import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { isSameProcess, readProcessIdentity, type ProcessIdentity } from "./processIdentity.js";
import { LOCK_TAKEOVER_STALE_MS } from "./timeouts.js";

/** A lock file held by this process. */
export interface LockFile {
  readonly path: string;
  readonly holder: ProcessIdentity;
  /** Removes the lock if it is still ours. */
  release(): void;
}

export type LockAttempt =
  | { readonly acquired: true; readonly lock: LockFile }
  /** `holder` is undefined while the lock's writer has not written it yet. */
  | { readonly acquired: false; readonly holder: ProcessIdentity | undefined };

const ATTEMPTS = 5;

/**
 * The one lock-file implementation (the controller's state lock, the download cache's per-file locks): a file
 * created with O_EXCL holding the holder's `ProcessIdentity` (pid and start time, so a reused pid is not taken for
 * the holder). A lock whose holder is gone is stale and taken over; the takeover is serialised by a second O_EXCL
 * file (`PATH.takeover`), so two processes that both judged the lock stale cannot remove it and then each other's
 * fresh one: of any number of racers exactly one acquires. Never waits for a live holder (see `withLockFile`).
 */
export function acquireLockFile(path: string, pid = process.pid): LockAttempt {
  const owner = readProcessIdentity(pid) ?? { pid };
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (tryCreate(path, owner)) return { acquired: true, lock: { path, holder: owner, release: () => releaseIfOurs(path, owner) } };
    const holder = readLockHolder(path);
    if (holder !== undefined && isSameProcess(holder)) return { acquired: false, holder };
    // No readable holder yet: the winner may be between open and write. Give it a moment.
    if (holder === undefined) sleepSync(20 * (attempt + 1));
    takeOverStale(path);
  }
  return { acquired: false, holder: readLockHolder(path) };
}

/** Who holds the lock at `path`, or undefined when there is none (or it is being written). */
export function readLockHolder(path: string): ProcessIdentity | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as { pid?: unknown; startTime?: unknown };
    if (typeof parsed.pid !== "number" || !Number.isInteger(parsed.pid)) return undefined;
    return typeof parsed.startTime === "string" ? { pid: parsed.pid, startTime: parsed.startTime } : { pid: parsed.pid };
  } catch {
    return undefined;
  }
}

/** Removes the lock at `path` unless a live holder has it; true when there is no lock left. */
export function removeStaleLockFile(path: string): boolean {
  if (!existsSync(path)) return true;
  const holder = readLockHolder(path);
  if (holder !== undefined && isSameProcess(holder)) return false;
  takeOverStale(path);
  return readLockHolder(path) === undefined;
}

function tryCreate(path: string, owner: ProcessIdentity): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify({ ...owner, createdAt: Date.now() }));
  } finally {
    closeSync(fd);
  }
  return true;
}

function takeOverStale(path: string): void {
  const marker = `${path}.takeover`;
  if (!tryCreate(marker, readProcessIdentity(process.pid) ?? { pid: process.pid })) {
    // Someone else is taking over; a marker left by a crashed process expires.
    if (ageMs(marker) > LOCK_TAKEOVER_STALE_MS) rmSync(marker, { force: true });
    return;
  }
  try {
    // Judged again under the marker: the lock may now be a fresh one, written by the winner of a race.
    const holder = readLockHolder(path);
    // A lock file without a readable holder is only stale once it is old (its writer may be mid-write).
    const stale = holder !== undefined ? !isSameProcess(holder) : ageMs(path) > LOCK_TAKEOVER_STALE_MS;
    if (stale) rmSync(path, { force: true });
  } finally {
    rmSync(marker, { force: true });
  }
}

function releaseIfOurs(path: string, owner: ProcessIdentity): void {
  const holder = readLockHolder(path);
  if (holder?.pid === owner.pid && holder.startTime === owner.startTime) rmSync(path, { force: true });
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
