import { resolve } from "node:path";
import { findInstanceProcesses, type InstanceProcess } from "../process/instanceProcesses.js";
import { isGroupAlive, stopGroup, waitUntil } from "../process/processGroup.js";
import { removeStaleStateLock } from "../process/stateLock.js";
import { KILL_CONFIRM_MS, REPLICA_STOP_GRACE_MS } from "../process/timeouts.js";
import { removeStateFile } from "../protocol/stateFile.js";
import type { StopInstanceResult, StoppedProcess } from "./stopInstance.js";
import { unrecordedControllerStopMs } from "./timeouts.js";

/**
 * Stops an instance whose state file is missing or damaged, from the processes found by their environment
 * (`findInstanceProcesses`): SIGTERM to the controller's group (it drains and stops its replicas as on any
 * shutdown), then what is left of the instance is stopped group by group, each proven ours again before every
 * signal; finally the damaged state and the stale lock are removed.
 */
export async function stopUnrecordedInstance(home: string, processes: readonly InstanceProcess[]): Promise<StopInstanceResult> {
  const stopped: StoppedProcess[] = processes.map((found) => ({ what: found.role, pid: found.identity.pid }));
  const ownerOf = (found: InstanceProcess) => ({ home: resolve(home), instanceId: found.instanceId, leader: found.identity });
  const controllers = processes.filter((found) => found.role === "controller");
  await Promise.all(
    controllers.map((controller) =>
      stopGroup(controller.pgid, unrecordedControllerStopMs(), ownerOf(controller)),
    ),
  );
  const left = findInstanceProcesses(resolve(home));
  const groups = new Map(left.map((found) => [found.pgid, found]));
  const results = await Promise.all([...groups.values()].map((found) => stopGroup(found.pgid, REPLICA_STOP_GRACE_MS, ownerOf(found))));
  await waitUntil(() => findInstanceProcesses(resolve(home)).length === 0, KILL_CONFIRM_MS);
  const survivors = [...new Set(findInstanceProcesses(resolve(home)).map((found) => found.pgid))].filter(isGroupAlive);
  if (survivors.length === 0) {
    removeStateFile(home);
    removeStaleStateLock(home);
  }
  return { stopped, forced: results.length > 0, survivors };
}
