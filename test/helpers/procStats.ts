import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc (Linux; clock ticks of 10 ms). With `tid`,
 * only that thread of it (`pid` "self" for this process).
 */
export function cpuTimeMs(pid: number | "self", tid?: string): number {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The thread ids of this process now (/proc/self/task). */
export function threadIds(): Set<string> {
  return new Set(readdirSync("/proc/self/task"));
}
