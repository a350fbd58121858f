import { setTimeout as sleep } from "node:timers/promises";
import { acquireLockFile } from "./acquireLockFile.js";

const POLL_MS = 200;

/**
 * Runs `work` while holding the lock file at `path` (`acquireLockFile`), waiting while a live process holds it:
 * two replicas of one model never write the same download, and a lock left by a crashed one is taken over by
 * exactly one of them.
 */
export async function withLockFile<T>(path: string, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  for (;;) {
    signal?.throwIfAborted();
    const attempt = acquireLockFile(path);
    if (attempt.acquired) {
      try {
        return await work();
      } finally {
        attempt.lock.release();
      }
    }
    await sleep(POLL_MS, undefined, signal !== undefined ? { signal } : {});
  }
}
