import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { formatControllerState, parseControllerState, type ControllerState } from "./ControllerState.js";

/** $LLMSERVE_HOME/state.json */
export function stateFilePath(home: string): string {
  return join(home, "state.json");
}

/**
 * Writes the state atomically: a reader sees the old file or the new one, never half of one.
 * Mode 0600 because it holds the admin token.
 */
export function writeStateFile(home: string, state: ControllerState): void {
  const path = stateFilePath(home);
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, formatControllerState(state), { mode: 0o600 });
  renameSync(temp, path);
}

/** The recorded state, or undefined when there is none (or it is unreadable: a torn file is treated as none). */
export function readStateFile(home: string): ControllerState | undefined {
  try {
    return parseControllerState(readFileSync(stateFilePath(home), "utf8"));
  } catch {
    return undefined;
  }
}

export function removeStateFile(home: string): void {
  rmSync(stateFilePath(home), { force: true });
}
