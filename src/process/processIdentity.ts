import { readFileSync } from "node:fs";
import { readProcStat } from "./readProcStat.js";

/**
 * One process, told apart from any later process that gets the same pid: its pid plus when it started (the boot's
 * id and the start time in ticks, from /proc). Recorded when llmserve starts a process and checked before the pid is
 * trusted again (signalled, or taken as a lock's live holder). `startTime` is absent where there is no /proc; the
 * pid alone is then all there is to go on.
 */
export interface ProcessIdentity {
  readonly pid: number;
  readonly startTime?: string;
}

let bootId: string | undefined;

/** The identity of the live process `pid` now; undefined when there is none (a zombie counts as gone). */
export function readProcessIdentity(pid: number): ProcessIdentity | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (process.platform !== "linux") return pidExists(pid) ? { pid } : undefined;
  const stat = readProcStat(pid);
  if (stat === undefined || stat.state === "Z" || stat.startTicks === "") return undefined;
  bootId ??= readBootId();
  return { pid, startTime: `${bootId}/${stat.startTicks}` };
}

/** True while the process `identity` names is alive: same pid, and (where known) the same start time. */
export function isSameProcess(identity: ProcessIdentity): boolean {
  const now = readProcessIdentity(identity.pid);
  if (now === undefined) return false;
  return identity.startTime === undefined || now.startTime === undefined || now.startTime === identity.startTime;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readBootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "unknown-boot";
  }
}

/**
 * How long ago the process `identity` started, in ms (Linux: its start in clock ticks since boot against
 * /proc/uptime, at the kernel's USER_HZ of 100); undefined where that cannot be read.
 */
export function processAgeMs(identity: ProcessIdentity): number | undefined {
  const ticks = Number(identity.startTime?.split("/").pop());
  if (!Number.isFinite(ticks)) return undefined;
  try {
    const uptimeS = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
    return Number.isFinite(uptimeS) ? Math.max(0, uptimeS * 1000 - ticks * 10) : undefined;
  } catch {
    return undefined;
  }
}
