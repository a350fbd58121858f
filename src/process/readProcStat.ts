import { readFileSync } from "node:fs";

/** The fields of /proc/<pid>/stat llmserve uses. */
export interface ProcStat {
  /** R, S, D, Z, T... */
  readonly state: string;
  readonly ppid: number;
  readonly pgid: number;
  /** When the process started, in clock ticks since boot: with the pid, it names one process for the boot. */
  readonly startTicks: string;
}

/** Parses /proc/<pid>/stat; undefined when the process is gone or where there is no /proc (not Linux). */
export function readProcStat(pid: number): ProcStat | undefined {
  if (process.platform !== "linux") return undefined;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may contain spaces; the fields after the last ')' are fixed
  // (field 3, the state, comes first; field 22, the start time, is the 20th).
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: rest[0] ?? "", ppid: Number(rest[1]), pgid: Number(rest[2]), startTicks: rest[19] ?? "" };
}
