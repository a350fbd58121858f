import { statSync } from "node:fs";
import type { ControllerState } from "../protocol/ControllerState.js";
import { stateFilePath, writeStateFile } from "../protocol/stateFile.js";
import { STATE_FLUSH_INTERVAL_MS } from "./timeouts.js";

export interface StateWriter {
  /** Something changed: a new or gone pid is written at once (so `shutdown` can always find every process group), the rest at the next due tick. */
  changed: () => void;
  /** Writes now. */
  flush: () => void;
  /**
   * Control-loop tick: writes when something changed and the last write is STATE_FLUSH_INTERVAL_MS old, or when
   * someone else changed, damaged or removed the file since (checked at most every STATE_FLUSH_INTERVAL_MS), so that
   * `status` and `shutdown` read the live instance again (they find its processes by their environment meanwhile).
   */
  tick: (nowMs: number) => void;
  /** Stops writing on `changed` (shutdown writes its own). */
  pause: () => void;
}

/** Keeps $LLMSERVE_HOME/state.json up to date with `snapshot()` without writing it for every counter. */
export function createStateWriter(home: string, snapshot: () => ControllerState, log: (message: string) => void): StateWriter {
  const path = stateFilePath(home);
  let dirty = true;
  let lastPids = "";
  let lastFlush = 0;
  let lastCheck = 0;
  /** The file's stamp as this writer left it. */
  let written: string | undefined;
  let paused = false;
  const flush = (): void => {
    const state = snapshot();
    lastPids = pidSignature(state);
    lastFlush = Date.now();
    dirty = false;
    writeStateFile(home, state);
    written = fileStamp(path);
  };
  const intact = (nowMs: number): boolean => {
    if (nowMs - lastCheck < STATE_FLUSH_INTERVAL_MS) return true;
    lastCheck = nowMs;
    return fileStamp(path) === written;
  };
  return {
    changed: () => {
      dirty = true;
      if (!paused && pidSignature(snapshot()) !== lastPids) flush();
    },
    flush,
    tick: (nowMs) => {
      if (dirty && nowMs - lastFlush >= STATE_FLUSH_INTERVAL_MS) flush();
      else if (!intact(nowMs)) {
        log(`${path} was changed or removed by another process; writing it again`);
        flush();
      }
    },
    pause: () => {
      paused = true;
    },
  };
}

/** Every replica pid in the state, sorted: when it changes, the file must be written at once. */
export function pidSignature(state: ControllerState): string {
  return state.applications
    .flatMap((app) => app.deployments.flatMap((d) => d.replicas.map((r) => r.pid)))
    .filter((pid) => pid > 0)
    .sort((a, b) => a - b)
    .join(",");
}

/** Inode, size and modification time: what changes when anyone else writes, truncates, replaces or removes a file. */
function fileStamp(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.ino}/${stat.size}/${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}
