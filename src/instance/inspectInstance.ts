import { readFileSync } from "node:fs";
import type { ControllerState } from "../protocol/ControllerState.js";
import { isGroupAlive, isPidAlive, stopGroup } from "../process/processGroup.js";
import { readLockPid, removeStaleStateLock, stateLockPath } from "../process/stateLock.js";
import { readStateFile, removeStateFile } from "../protocol/stateFile.js";
import { REPLICA_STOP_GRACE_MS } from "../process/timeouts.js";

export type InstanceState =
  | { kind: "none" }
  /** A controller holds the lock but has not written its state yet. */
  | { kind: "starting"; pid: number }
  | { kind: "running"; recorded: ControllerState }
  /** The state file names a controller that is gone; `survivors` are process groups of it still alive. */
  | { kind: "stale"; recorded: ControllerState; survivors: number[] };

/** What the state file says, checked against the live pids: never a ghost. */
export function inspectInstance(home: string): InstanceState {
  const recorded = readStateFile(home);
  if (recorded === undefined) {
    const holder = readLockPid(stateLockPath(home));
    if (holder !== undefined && isPidAlive(holder) && looksLikeController(holder)) return { kind: "starting", pid: holder };
    removeStaleStateLock(home);
    return { kind: "none" };
  }
  const pid = recorded.controller.pid;
  if (isPidAlive(pid) && looksLikeController(pid)) return { kind: "running", recorded };
  return { kind: "stale", recorded, survivors: recordedGroups(recorded).filter(isGroupAlive) };
}

/** Every process group the recorded instance started: the controller's and each replica's. */
export function recordedGroups(state: ControllerState): number[] {
  const replicas = state.applications.flatMap((app) =>
    app.deployments.flatMap((deployment) => deployment.replicas.map((replica) => replica.pid)),
  );
  return [...new Set([state.controller.pid, ...replicas])].filter((pid) => pid > 1);
}

/**
 * Cleans up after a controller that died: stops the process groups it left (they would exit by themselves within
 * seconds; this makes it certain), then removes the state file and the lock. Returns the groups that survived.
 */
export async function cleanUpStale(home: string, instance: Extract<InstanceState, { kind: "stale" }>): Promise<number[]> {
  const results = await Promise.all(
    instance.survivors.map(async (pgid) => ({ pgid, gone: (await stopGroup(pgid, REPLICA_STOP_GRACE_MS)).gone })),
  );
  const leftovers = results.filter((r) => !r.gone).map((r) => r.pgid);
  if (leftovers.length === 0) {
    removeStateFile(home);
    removeStaleStateLock(home);
  }
  return leftovers;
}

/** Guards against pid reuse: on Linux the pid must be running llmserve's `_controller`. */
function looksLikeController(pid: number): boolean {
  if (process.platform !== "linux") return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes("_controller");
  } catch {
    return true;
  }
}
