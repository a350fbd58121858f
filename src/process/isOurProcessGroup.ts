import { isSameProcess, type ProcessIdentity } from "./processIdentity.js";
import { groupCarriesInstance } from "./instanceProcesses.js";

/** What was recorded when llmserve started a process group: enough to prove later that a pgid is still that group. */
export interface GroupOwner {
  /** `$LLMSERVE_HOME` of the instance. */
  readonly home: string;
  /** The instance id in the environment of every process it started. */
  readonly instanceId: string | undefined;
  /** The group leader as spawned (pid = pgid, start time). */
  readonly leader: ProcessIdentity | undefined;
}

/**
 * The one check made before llmserve signals a process group it did not just spawn: the group is ours when its
 * leader is still the process recorded at spawn (same start time), or when a live member carries the instance's id
 * in its environment (the leader may be gone while what it forked lives on). A pid reused by anything else, after
 * a crash or a reboot, fails both. Without /proc (not Linux) the leader's pid is all there is to go on.
 */
export function isOurProcessGroup(pgid: number, owner: GroupOwner): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  if (owner.leader !== undefined && owner.leader.pid === pgid && isSameProcess(owner.leader)) return true;
  return process.platform === "linux" && owner.instanceId !== undefined && groupCarriesInstance(pgid, owner.home, owner.instanceId);
}
