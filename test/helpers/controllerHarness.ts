import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Result } from "execa";
import type { ControllerState, DeploymentRecord, ReplicaLifecycle, ReplicaRecord } from "../../src/protocol/ControllerState.js";
import { createTempHome, runCli } from "./cli.js";
import { freePort } from "./freePort.js";

// Moved to their own modules; re-exported for the controller tests that import them from here.
export { freePort, portIsFree } from "./freePort.js";
export { waitFor } from "./waitFor.js";

/** The fixture replica (supervisor edge cases only; serving tests use the real `llmserve replica`). */
export const FAKE_REPLICA = fileURLToPath(new URL("../fixtures/fakeReplica.mjs", import.meta.url));

export interface TestModel {
  id: string;
  /** A GGUF path (the fixture replica ignores it, but the config must validate). */
  source: string;
  replicas?: number;
  envVars?: Record<string, string>;
  /** Replaces num_replicas when it has autoscaling_config. */
  deploymentConfig?: Record<string, unknown>;
  /** Merged over the defaults (max_model_len 512, max_num_seqs 2, reasoning_parser qwen3). */
  engineKwargs?: Record<string, unknown>;
  /** Defaults to "CPU"; null leaves accelerator_type out. */
  acceleratorType?: string | null;
}

export interface TestApp {
  name: string;
  routePrefix?: string;
  models: TestModel[];
}

/** Writes a config file (JSON is YAML) for `llmserve run` on 127.0.0.1:port, with any other `httpOptions`. */
export function writeServeConfig(path: string, port: number, apps: TestApp[], httpOptions: Record<string, unknown> = {}): string {
  const config = {
    http_options: { host: "127.0.0.1", port, ...httpOptions },
    applications: apps.map((app) => ({
      name: app.name,
      route_prefix: app.routePrefix ?? "/",
      args: {
        llm_configs: app.models.map((model) => ({
          model_loading_config: { model_id: model.id, model_source: model.source },
          ...(model.acceleratorType !== null ? { accelerator_type: model.acceleratorType ?? "CPU" } : {}),
          deployment_config: {
            ...(model.deploymentConfig?.["autoscaling_config"] === undefined ? { num_replicas: model.replicas ?? 1 } : {}),
            health_check_period_s: 1,
            health_check_timeout_s: 2,
            graceful_shutdown_timeout_s: 5,
            ...(model.deploymentConfig ?? {}),
          },
          engine_kwargs: { max_model_len: 512, max_num_seqs: 2, reasoning_parser: "qwen3", ...(model.engineKwargs ?? {}) },
          ...(model.envVars !== undefined ? { runtime_env: { env_vars: model.envVars } } : {}),
        })),
      },
    })),
  };
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/**
 * Every live process started for this test: the controller and replicas inherit LLMSERVE_HOME, so scanning
 * /proc/<pid>/environ for it finds the test's whole process tree, whatever became of the parents.
 */
export function processesOfHome(home: string): number[] {
  const needle = `LLMSERVE_HOME=${home}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      if (`${readFileSync(`/proc/${entry}/environ`, "utf8")}\0`.includes(needle)) pids.push(Number(entry));
    } catch {
      // gone or not ours
    }
  }
  return pids;
}

/** SIGKILL everything of this home (teardown). */
export function killProcessesOfHome(home: string): void {
  for (const pid of processesOfHome(home)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** `llmserve ...args` with this home (and extra env), never throwing. */
export function llmserve(args: readonly string[], home: string, env: Record<string, string> = {}): Promise<Result> {
  return runCli(args, { home, env: { ...process.env, LLMSERVE_THREADS: "1", ...env } as Record<string, string> });
}

/** The replica pids recorded in state.json, per `app/model`. */
export function recordedReplicaPids(home: string): Record<string, number[]> {
  try {
    const state = JSON.parse(readFileSync(join(home, "state.json"), "utf8")) as {
      applications: { name: string; deployments: { modelId: string; replicas: { pid: number; lifecycle: string }[] }[] }[];
    };
    const out: Record<string, number[]> = {};
    for (const app of state.applications) {
      for (const deployment of app.deployments) {
        out[`${app.name}/${deployment.modelId}`] = deployment.replicas.filter((r) => r.pid > 0).map((r) => r.pid);
      }
    }
    return out;
  } catch {
    return {};
  }
}

/** The controller's live state from its admin endpoint (address and token from state.json); undefined when down. */
export async function liveState(home: string): Promise<ControllerState | undefined> {
  try {
    const recorded = JSON.parse(readFileSync(join(home, "state.json"), "utf8")) as ControllerState;
    const response = await fetch(`http://127.0.0.1:${recorded.controller.adminPort}/status`, {
      headers: { authorization: `Bearer ${recorded.controller.adminToken}` },
      signal: AbortSignal.timeout(2_000),
    });
    return response.ok ? ((await response.json()) as ControllerState) : undefined;
  } catch {
    return undefined;
  }
}

/** The only deployment of the only application in a live state. */
export function onlyDeployment(state: ControllerState | undefined): DeploymentRecord | undefined {
  return state?.applications[0]?.deployments[0];
}

/** Replicas of a deployment record in a lifecycle. */
export function replicasIn(deployment: DeploymentRecord | undefined, lifecycle: ReplicaLifecycle): ReplicaRecord[] {
  return (deployment?.replicas ?? []).filter((replica) => replica.lifecycle === lifecycle);
}

/** What each end-to-end controller test gets: its own LLMSERVE_HOME, a folder for its config files, a free port. */
export interface ControllerSandbox {
  home: { path: string; remove: () => void };
  dir: string;
  port: number;
}

/** A fresh sandbox; pair it with `removeControllerSandbox` in the test's teardown. */
export async function createControllerSandbox(name: string): Promise<ControllerSandbox> {
  return {
    home: createTempHome(`llmserve-e2e-${name}-`),
    dir: mkdtempSync(join(tmpdir(), `llmserve-e2e-${name}-cfg-`)),
    port: await freePort(),
  };
}

/** Kills every process started under the sandbox's home, then removes its folders. */
export function removeControllerSandbox(sandbox: ControllerSandbox): void {
  killProcessesOfHome(sandbox.home.path);
  sandbox.home.remove();
  rmSync(sandbox.dir, { recursive: true, force: true });
}
