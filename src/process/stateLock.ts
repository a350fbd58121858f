import { join } from "node:path";
import { acquireLockFile, readLockHolder, removeStaleLockFile } from "./acquireLockFile.js";
import { StateLockHeldError } from "./errors/StateLockHeldError.js";

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
 * Takes the state lock for `pid` (`acquireLockFile`: O_EXCL, stale takeover serialised), so of two racing `run`s
 * exactly one controller wins. Throws `StateLockHeldError` while a live controller holds it.
 */
export function acquireStateLock(home: string, pid = process.pid): StateLock {
  const path = stateLockPath(home);
  const attempt = acquireLockFile(path, pid);
  if (!attempt.acquired) throw new StateLockHeldError(path, attempt.holder?.pid ?? 0);
  return { path, pid, release: () => attempt.lock.release() };
}

/** The pid recorded in the lock, or undefined when there is no lock (or it is being written). */
export function readLockPid(path: string): number | undefined {
  return readLockHolder(path)?.pid;
}

/** Removes a lock whose holder is gone (used by status/shutdown when reconciling). */
export function removeStaleStateLock(home: string): boolean {
  return removeStaleLockFile(stateLockPath(home));
}
