import type { ControllerRecord, ControllerState } from "../protocol/ControllerState.js";
import { fetchLiveState } from "./controllerClient.js";
import { isPidAlive } from "../process/processGroup.js";
import { formatProgress } from "./statusReport.js";
import { RUN_POLL_INTERVAL_MS } from "./timeouts.js";

export type WaitOutcome =
  | { kind: "running"; state: ControllerState }
  | { kind: "failed"; reason: string }
  | { kind: "controller-gone" }
  | { kind: "timeout"; progress: string[] }
  | { kind: "aborted" };

export interface WaitForApplicationsOptions {
  controller: ControllerRecord;
  appNames: readonly string[];
  timeoutMs: number | undefined;
  signal: AbortSignal;
  onProgress: (lines: string[]) => void;
}

/** Polls the controller until every named application is RUNNING, one fails, the controller dies or time runs out. */
export async function waitForApplications(options: WaitForApplicationsOptions): Promise<WaitOutcome> {
  const deadline = options.timeoutMs !== undefined ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
  let progress: string[] = [];
  for (;;) {
    if (options.signal.aborted) return { kind: "aborted" };
    if (!isPidAlive(options.controller.pid)) return { kind: "controller-gone" };
    const state = await fetchLiveState(options.controller);
    if (state !== undefined) {
      const apps = state.applications.filter((app) => options.appNames.includes(app.name) && app.status !== "DELETING");
      const failed = apps.find((app) => app.status === "DEPLOY_FAILED" || app.status === "UNHEALTHY");
      if (failed !== undefined) return { kind: "failed", reason: `application '${failed.name}': ${failed.message}` };
      progress = progressLines(state, options.appNames);
      options.onProgress(progress);
      if (apps.length === options.appNames.length && apps.every((app) => app.status === "RUNNING")) {
        return { kind: "running", state };
      }
    }
    if (Date.now() >= deadline) return { kind: "timeout", progress };
    await sleep(RUN_POLL_INTERVAL_MS, options.signal);
  }
}

/** One line per deployment: "app/model: 1/2 replicas ready; r2 loading 40%". */
export function progressLines(state: ControllerState, appNames: readonly string[]): string[] {
  const lines: string[] = [];
  for (const app of state.applications) {
    if (!appNames.includes(app.name)) continue;
    for (const deployment of app.deployments) {
      const active = deployment.replicas.filter((r) => r.lifecycle !== "stopping" && r.lifecycle !== "stopped" &&
        r.version === deployment.version);
      const ready = active.filter((r) => r.lifecycle === "ready").length;
      const details = active
        .filter((r) => r.lifecycle !== "ready")
        .map((r) => {
          if (r.lifecycle === "backoff") return `${r.id} restarting after: ${r.lastError ?? "a failure"}`;
          if (r.pendingReason !== undefined) return `${r.id} pending: ${r.pendingReason}`;
          return `${r.id} ${formatProgress(r) ?? r.lifecycle}`;
        });
      lines.push(
        `${app.name}/${deployment.modelId}: ${ready}/${deployment.targetReplicas} replicas ready` +
          (details.length > 0 ? `; ${details.join(", ")}` : ""),
      );
    }
  }
  return lines;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
