import type { ControllerState } from "../protocol/ControllerState.js";
import { writeStateFile } from "../protocol/stateFile.js";
import { STATE_FLUSH_INTERVAL_MS } from "./timeouts.js";

export interface StateWriter {
  /** Something changed: a new or gone pid is written at once (so `shutdown` can always find every process group), the rest at the next due tick. */
  changed: () => void;
  /** Writes now. */
  flush: () => void;
  /** Control-loop tick: writes when something changed and the last write is STATE_FLUSH_INTERVAL_MS old. */
  tick: (nowMs: number) => void;
  /** Stops writing on `changed` (shutdown writes its own). */
  pause: () => void;
}

/** Keeps $LLMSERVE_HOME/state.json up to date with `snapshot()` without writing it for every counter. */
export function createStateWriter(home: string, snapshot: () => ControllerState): StateWriter {
  let dirty = true;
  let lastPids = "";
  let lastFlush = 0;
  let paused = false;
  const flush = (): void => {
    const state = snapshot();
    lastPids = pidSignature(state);
    lastFlush = Date.now();
    dirty = false;
    writeStateFile(home, state);
  };
  return {
    changed: () => {
      dirty = true;
      if (!paused && pidSignature(snapshot()) !== lastPids) flush();
    },
    flush,
    tick: (nowMs) => {
      if (dirty && nowMs - lastFlush >= STATE_FLUSH_INTERVAL_MS) flush();
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
