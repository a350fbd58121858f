import { readdirSync } from "node:fs";
import { isOurProcessGroup, type GroupOwner } from "./isOurProcessGroup.js";
import { readProcStat } from "./readProcStat.js";
import { KILL_CONFIRM_MS, PROCESS_POLL_INTERVAL_MS } from "./timeouts.js";

/**
 * Process-group helpers. Every process llmserve starts (controller, replicas) is spawned detached, so it leads its
 * own process group (pgid = pid) and anything it forks dies with the group.
 */

/** True while a process with this pid exists (EPERM counts: it exists, we just may not signal it). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True while any process of the group led by `pgid` exists. */
export function isGroupAlive(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, 0);
    // A group whose only member is an unreaped zombie leader is as good as gone.
    return !isZombie(pgid) || groupHasOtherMembers(pgid);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Sends a signal to a whole process group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Resolves true once `condition()` holds, false when `timeoutMs` passes first. */
export async function waitUntil(condition: () => boolean, timeoutMs: number,
  intervalMs = PROCESS_POLL_INTERVAL_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface StopGroupResult {
  /** The group was not proven ours (`isOurProcessGroup`): nothing was signalled. */
  foreign?: true;
  /** The group exited after SIGTERM within the grace period. */
  graceful: boolean;
  /** SIGKILL was needed. */
  killed: boolean;
  /** The group is gone now. False means something survived SIGKILL: report it, never hide it. */
  gone: boolean;
}

/**
 * SIGTERM to the group, `graceMs` to exit, then SIGKILL to the group, then confirms it is gone. With `owner`, the
 * group must be proven ours (`isOurProcessGroup`) before each signal; a group that is not is left alone.
 */
export async function stopGroup(pgid: number, graceMs: number, owner?: GroupOwner): Promise<StopGroupResult> {
  if (!isGroupAlive(pgid)) return { graceful: true, killed: false, gone: true };
  if (owner !== undefined && !isOurProcessGroup(pgid, owner)) return { foreign: true, graceful: false, killed: false, gone: false };
  signalGroup(pgid, "SIGTERM");
  // A stopped (SIGSTOPped) process handles SIGTERM only once continued.
  signalGroup(pgid, "SIGCONT");
  if (await waitUntil(() => !isGroupAlive(pgid), graceMs)) return { graceful: true, killed: false, gone: true };
  if (owner !== undefined && !isOurProcessGroup(pgid, owner)) return { graceful: true, killed: false, gone: true };
  signalGroup(pgid, "SIGKILL");
  const gone = await waitUntil(() => !isGroupAlive(pgid), KILL_CONFIRM_MS);
  return { graceful: false, killed: true, gone };
}

/** SIGKILL to the group without waiting; safe inside a process 'exit' handler. */
export function killGroupNow(pgid: number): void {
  signalGroup(pgid, "SIGKILL");
}

function isZombie(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== undefined && stat.state === "Z";
}

function groupHasOtherMembers(pgid: number): boolean {
  // Only answerable from /proc; elsewhere assume the leader is all there is.
  if (process.platform !== "linux") return false;
  try {
    return groupMembers(pgid).some((pid) => pid !== pgid);
  } catch {
    return false;
  }
}

/** Live (non-zombie) pids of a process group, from /proc; [] where /proc is not available. */
export function groupMembers(pgid: number): number[] {
  if (process.platform !== "linux") return [];
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readProcStat(pid);
    if (stat !== undefined && stat.pgid === pgid && stat.state !== "Z") members.push(pid);
  }
  return members;
}
