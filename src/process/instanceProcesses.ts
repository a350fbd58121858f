import { readdirSync, readFileSync } from "node:fs";
import { readProcessIdentity, type ProcessIdentity } from "./processIdentity.js";
import { readProcStat } from "./readProcStat.js";

/** Set by `run` in the controller's environment and inherited by every replica: which instance a process is of. */
export const INSTANCE_ID_ENV = "LLMSERVE_INSTANCE_ID";
/** Set with it (absolute), so the processes of one `$LLMSERVE_HOME` can be found without any file. */
export const INSTANCE_HOME_ENV = "LLMSERVE_HOME";

/** A live process started for an llmserve instance, found from its environment. */
export interface InstanceProcess {
  readonly identity: ProcessIdentity;
  readonly pgid: number;
  readonly instanceId: string;
  readonly role: "controller" | "replica";
}

/**
 * Every live process (of this user: others' environments cannot be read) that carries `LLMSERVE_HOME=home` and an
 * instance id in its environment: the controller and replicas of that home, whatever became of state.json. Linux
 * only ([] elsewhere). Pass `instanceId` to keep one instance's.
 */
export function findInstanceProcesses(home: string, instanceId?: string): InstanceProcess[] {
  if (process.platform !== "linux") return [];
  const found: InstanceProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const pid = Number(entry);
    const environment = readEnvironment(pid);
    if (environment?.get(INSTANCE_HOME_ENV) !== home) continue;
    const id = environment.get(INSTANCE_ID_ENV);
    if (id === undefined || id === "" || (instanceId !== undefined && id !== instanceId)) continue;
    const identity = readProcessIdentity(pid);
    const stat = readProcStat(pid);
    if (identity === undefined || stat === undefined) continue;
    found.push({ identity, pgid: stat.pgid, instanceId: id, role: isController(pid) ? "controller" : "replica" });
  }
  return found;
}

/** Whether some live member of process group `pgid` carries `instanceId` (and `home`) in its environment. */
export function groupCarriesInstance(pgid: number, home: string, instanceId: string): boolean {
  return findInstanceProcesses(home, instanceId).some((found) => found.pgid === pgid);
}

/** The environment a process was started with, or undefined when it cannot be read (gone, another user's). */
export function readEnvironment(pid: number): Map<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/environ`, "utf8");
  } catch {
    return undefined;
  }
  const environment = new Map<string, string>();
  for (const entry of text.split("\0")) {
    const equals = entry.indexOf("=");
    if (equals > 0) environment.set(entry.slice(0, equals), entry.slice(equals + 1));
  }
  return environment;
}

function isController(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes("_controller");
  } catch {
    return false;
  }
}
