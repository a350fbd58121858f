import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { findInstanceProcesses, type InstanceProcess } from "../process/instanceProcesses.js";
import { isOurProcessGroup, type GroupOwner } from "../process/isOurProcessGroup.js";
import { processAgeMs } from "../process/processIdentity.js";
import type { ControllerState } from "../protocol/ControllerState.js";
import { isGroupAlive, isPidAlive, stopGroup } from "../process/processGroup.js";
import { readLockPid, removeStaleStateLock, stateLockPath } from "../process/stateLock.js";
import { readStateFile, removeStateFile, stateFilePath } from "../protocol/stateFile.js";
import { REPLICA_STOP_GRACE_MS } from "../process/timeouts.js";
import { CONTROLLER_START_TIMEOUT_MS } from "./timeouts.js";

export type InstanceState =
  | { kind: "none"; removedDamagedState?: true }
  /** A controller holds the lock but has not written its state yet. */
  | { kind: "starting"; pid: number }
  | { kind: "running"; recorded: ControllerState }
  /**
   * The state file names a controller that is gone; `survivors` are process groups of it still alive, `foreign`
   * live groups under recorded pids that are not ours any more (never signalled).
   */
  | { kind: "stale"; recorded: ControllerState; survivors: number[]; foreign: number[] }
  /** No readable state file, yet processes of this home run: found by the instance id in their environment. */
  | { kind: "unrecorded"; processes: InstanceProcess[]; stateFile: "missing" | "damaged" };

/** What the state file says, checked against the live processes: never a ghost, never someone else's process. */
export function inspectInstance(home: string): InstanceState {
  const recorded = readStateFile(home);
  if (recorded === undefined) return inspectWithoutState(home);
  const controller = recorded.controller;
  const controllerOwner = ownerOf(home, recorded, controller.pid, controller.startTime);
  const alive = controller.startTime !== undefined || controller.instanceId !== undefined
    ? isOurProcessGroup(controller.pid, controllerOwner) && isPidAlive(controller.pid)
    : isPidAlive(controller.pid) && looksLikeController(controller.pid);
  if (alive) return { kind: "running", recorded };
  const live = recordedGroups(recorded).filter(isGroupAlive);
  const ours = live.filter((pgid) => isOurProcessGroup(pgid, ownerOf(home, recorded, pgid, recordedStartTime(recorded, pgid))));
  return { kind: "stale", recorded, survivors: ours, foreign: live.filter((pgid) => !ours.includes(pgid)) };
}

/**
 * Without a readable state file: a controller younger than its start-up timeout that holds the lock and has no
 * replica yet is starting (it writes its state before it starts replicas); any other process of this home is
 * reported (and can be stopped) from its environment.
 */
function inspectWithoutState(home: string): InstanceState {
  const processes = findInstanceProcesses(resolve(home));
  const damaged = existsSync(stateFilePath(home));
  const lock = stateLockPath(home);
  const holder = readLockPid(lock);
  const holderIsController =
    holder !== undefined && isPidAlive(holder) && looksLikeController(holder) &&
    (process.platform !== "linux" || processes.some((found) => found.role === "controller" && found.identity.pid === holder));
  const noReplica = !processes.some((found) => found.role === "replica");
  const young = ageMs(lock) < CONTROLLER_START_TIMEOUT_MS && noReplica;
  if (!damaged && holderIsController && young) return { kind: "starting", pid: holder };
  // A controller just spawned by another `run` shows in /proc before it has taken the lock.
  const newborn = processes.find(
    (found) => found.role === "controller" && (processAgeMs(found.identity) ?? Infinity) < CONTROLLER_START_TIMEOUT_MS,
  );
  if (!damaged && !holderIsController && noReplica && newborn !== undefined) return { kind: "starting", pid: newborn.identity.pid };
  if (processes.length > 0) return { kind: "unrecorded", processes, stateFile: damaged ? "damaged" : "missing" };
  if (holderIsController) return { kind: "starting", pid: holder };
  removeStaleStateLock(home);
  if (!damaged) return { kind: "none" };
  removeStateFile(home);
  return { kind: "none", removedDamagedState: true };
}

/** Every process group the recorded instance started: the controller's and each replica's. */
export function recordedGroups(state: ControllerState): number[] {
  const replicas = state.applications.flatMap((app) =>
    app.deployments.flatMap((deployment) => deployment.replicas.map((replica) => replica.pid)),
  );
  return [...new Set([state.controller.pid, ...replicas])].filter((pid) => pid > 1);
}

/** What proves that the group `pgid` of a recorded instance is still ours (`isOurProcessGroup`). */
export function ownerOf(home: string, state: ControllerState, pgid: number, startTime?: string): GroupOwner {
  return {
    home: resolve(home),
    instanceId: state.controller.instanceId,
    leader: startTime !== undefined ? { pid: pgid, startTime } : undefined,
  };
}

/** The start time recorded for the process that leads group `pgid`, if any. */
export function recordedStartTime(state: ControllerState, pgid: number): string | undefined {
  if (state.controller.pid === pgid) return state.controller.startTime;
  for (const app of state.applications) {
    for (const deployment of app.deployments) {
      const replica = deployment.replicas.find((candidate) => candidate.pid === pgid);
      if (replica !== undefined) return replica.startTime;
    }
  }
  return undefined;
}

/**
 * Cleans up after a controller that died: stops the process groups it left that are proven ours (they would exit
 * by themselves within seconds; this makes it certain), then removes the state file and the lock, foreign groups
 * or not. Returns the groups that survived SIGKILL.
 */
export async function cleanUpStale(home: string, instance: Extract<InstanceState, { kind: "stale" }>): Promise<number[]> {
  const results = await Promise.all(
    instance.survivors.map(async (pgid) => ({
      pgid,
      gone: (await stopGroup(pgid, REPLICA_STOP_GRACE_MS, ownerOf(home, instance.recorded, pgid, recordedStartTime(instance.recorded, pgid)))).gone,
    })),
  );
  const leftovers = results.filter((r) => !r.gone).map((r) => r.pgid);
  if (leftovers.length === 0) {
    removeStateFile(home);
    removeStaleStateLock(home);
  }
  return leftovers;
}

/** With no start time or instance id recorded (an older state file): the pid must run llmserve's `_controller`. */
function looksLikeController(pid: number): boolean {
  if (process.platform !== "linux") return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes("_controller");
  } catch {
    return true;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

