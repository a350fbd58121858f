import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Resident memory of a process in bytes (/proc on Linux, `ps` elsewhere); undefined when it cannot be read. */
export function readRssBytes(pid: number): number | undefined {
  if (pid <= 0) return undefined;
  if (process.platform === "linux") {
    try {
      const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      return match !== null ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }
  try {
    const stdout = execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const kb = Number(stdout.trim());
    return Number.isFinite(kb) && kb > 0 ? kb * 1024 : undefined;
  } catch {
    return undefined;
  }
}
