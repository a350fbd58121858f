import type { ControllerState } from "../protocol/ControllerState.js";
import { requestShutdown } from "./controllerClient.js";
import { isOurProcessGroup } from "../process/isOurProcessGroup.js";
import { isGroupAlive, isPidAlive, signalGroup, stopGroup, waitUntil } from "../process/processGroup.js";
import { ownerOf, recordedGroups, recordedStartTime } from "./inspectInstance.js";
import { removeStaleStateLock } from "../process/stateLock.js";
import { readStateFile, removeStateFile } from "../protocol/stateFile.js";
import { SHUTDOWN_MARGIN_MS } from "./timeouts.js";
import { KILL_CONFIRM_MS, REPLICA_STOP_GRACE_MS } from "../process/timeouts.js";

export interface StoppedProcess {
  /** "controller" or "APP/MODEL rN". */
  what: string;
  pid: number;
}

export interface StopInstanceResult {
  stopped: StoppedProcess[];
  /** True when the controller did not finish on its own and groups had to be SIGKILLed. */
  forced: boolean;
  /** Process groups still alive after SIGKILL: reported, never hidden. */
  survivors: number[];
}

/**
 * Stops a running instance: asks the controller to shut down gracefully (in-flight requests get
 * graceful_shutdown_timeout_s), waits for it, SIGKILLs every recorded process group still alive after the
 * deadline, verifies they are all gone, and removes the state.
 */
export async function stopInstance(home: string, recorded: ControllerState): Promise<StopInstanceResult> {
  const controller = recorded.controller;
  const stopped = describeProcesses(recorded);
  const asked = await requestShutdown(controller);
  const owner = (state: ControllerState, pgid: number) => ownerOf(home, state, pgid, recordedStartTime(state, pgid));
  if (!asked && isOurProcessGroup(controller.pid, owner(recorded, controller.pid))) signalGroup(controller.pid, "SIGTERM");
  const deadline =
    (controller.gracefulShutdownTimeoutMs ?? 0) + REPLICA_STOP_GRACE_MS + KILL_CONFIRM_MS + SHUTDOWN_MARGIN_MS;
  const finished = await waitUntil(() => !isPidAlive(controller.pid), deadline);

  // The controller may have started a replica after we read the state: take the newest record too.
  const latest = readStateFile(home);
  const groups = new Map<number, ControllerState>();
  for (const state of latest !== undefined ? [recorded, latest] : [recorded]) {
    for (const pgid of recordedGroups(state)) groups.set(pgid, state);
  }
  if (latest !== undefined) {
    for (const process of describeProcesses(latest)) {
      if (!stopped.some((p) => p.pid === process.pid)) stopped.push(process);
    }
  }
  const alive = [...groups.keys()].filter(isGroupAlive);
  const results = await Promise.all(
    alive.map(async (pgid) => ({ pgid, result: await stopGroup(pgid, 0, owner(groups.get(pgid)!, pgid)) })),
  );
  // A group that is not ours any more (its pid reused) is not ours to stop or to wait for.
  const survivors = results.filter((r) => !r.result.gone && r.result.foreign !== true).map((r) => r.pgid);
  if (survivors.length === 0) {
    removeStateFile(home);
    removeStaleStateLock(home);
  }
  return { stopped, forced: !finished || results.some((r) => r.result.foreign !== true), survivors };
}

function describeProcesses(state: ControllerState): StoppedProcess[] {
  const processes: StoppedProcess[] = [{ what: "controller", pid: state.controller.pid }];
  for (const app of state.applications) {
    for (const deployment of app.deployments) {
      for (const replica of deployment.replicas) {
        if (replica.pid > 0) processes.push({ what: `${app.name}/${deployment.modelId} ${replica.id}`, pid: replica.pid });
      }
    }
  }
  return processes;
}
