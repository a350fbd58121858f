import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ControllerState } from "./ControllerState.js";

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
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

/** The recorded state, or undefined when there is none (or it is unreadable: a torn file is treated as none). */
export function readStateFile(home: string): ControllerState | undefined {
  let text: string;
  try {
    text = readFileSync(stateFilePath(home), "utf8");
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<ControllerState>;
    if (parsed.version !== 1 || typeof parsed.controller?.pid !== "number" || !Array.isArray(parsed.applications)) {
      return undefined;
    }
    return parsed as ControllerState;
  } catch {
    return undefined;
  }
}

export function removeStateFile(home: string): void {
  rmSync(stateFilePath(home), { force: true });
}
