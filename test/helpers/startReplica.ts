import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { LLMSERVE_BIN, REPO_ROOT } from "./cli.js";

export interface ReplicaProcess {
  readonly child: ChildProcess;
  /** Every JSON event line printed on stdout so far, in order. */
  readonly events: Record<string, unknown>[];
  /** Lines printed on stderr (logs). */
  readonly stderr: string[];
  /** http://127.0.0.1:PORT once the listening event arrived. */
  baseUrl: string;
  /** Resolves with the first event satisfying `predicate` (already seen ones included). */
  waitForEvent(predicate: (event: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** SIGKILL the process group if still running, and wait for the exit. */
  kill(): Promise<void>;
}

/** Writes a one-model config file for the replica tests and returns its path. */
export function writeReplicaConfig(dir: string, options: { modelId: string; source: string; engineKwargs?: Record<string, unknown>; deploymentConfig?: Record<string, unknown>; envVars?: Record<string, string>; name?: string }): string {
  const config = {
    applications: [
      {
        name: options.name ?? "app",
        route_prefix: "/",
        args: {
          llm_configs: [
            {
              model_loading_config: { model_id: options.modelId, model_source: options.source },
              accelerator_type: "CPU",
              deployment_config: { num_replicas: 1, ...(options.deploymentConfig ?? {}) },
              engine_kwargs: { max_model_len: 512, max_num_seqs: 4, ...(options.engineKwargs ?? {}) },
              ...(options.envVars !== undefined ? { runtime_env: { env_vars: options.envVars } } : {}),
            },
          ],
        },
      },
    ],
  };
  const path = join(dir, `${options.modelId.replace(/\W/g, "_")}.yaml`);
  writeFileSync(path, JSON.stringify(config, null, 2)); // JSON is YAML
  return path;
}

/** Starts `llmserve replica --config FILE --model ID --port 0` (the built CLI) in its own process group. */
export function startReplica(configPath: string, modelId: string, options: { home: string; env?: Record<string, string>; args?: string[] }): ReplicaProcess {
  const child = spawn(process.execPath, [LLMSERVE_BIN, "replica", "--config", configPath, "--model", modelId, "--port", "0", ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, LLMSERVE_HOME: options.home, LLMSERVE_THREADS: "1", ...(options.env ?? {}) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const events: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const listeners = new Set<() => void>();
  createInterface({ input: child.stdout! }).on("line", (line) => {
    events.push(JSON.parse(line) as Record<string, unknown>);
    for (const listener of listeners) listener();
  });
  createInterface({ input: child.stderr! }).on("line", (line) => stderr.push(line));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  let exitedNow = false;
  void exited.then(() => {
    exitedNow = true;
    for (const listener of listeners) listener();
  });
  const replica: ReplicaProcess = {
    child,
    events,
    stderr,
    baseUrl: "",
    exited,
    waitForEvent(predicate, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = events.find(predicate);
          if (found !== undefined) {
            cleanup();
            resolve(found);
          } else if (exitedNow) {
            cleanup();
            reject(new Error(`replica exited before the event; events: ${JSON.stringify(events)}; stderr: ${stderr.join("\n")}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for a replica event; events: ${JSON.stringify(events)}; stderr: ${stderr.join("\n")}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async kill() {
      if (!exitedNow && child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await exited;
    },
  };
  void replica.waitForEvent((event) => event["event"] === "listening").then(
    (event) => {
      replica.baseUrl = `http://127.0.0.1:${String(event["port"])}`;
    },
    () => undefined,
  );
  return replica;
}

/** Starts a replica and waits until it is ready; returns it with `baseUrl` set. */
export async function startReadyReplica(configPath: string, modelId: string, options: { home: string; env?: Record<string, string> }): Promise<ReplicaProcess> {
  const replica = startReplica(configPath, modelId, options);
  const listening = await replica.waitForEvent((event) => event["event"] === "listening");
  replica.baseUrl = `http://127.0.0.1:${String(listening["port"])}`;
  await replica.waitForEvent((event) => event["event"] === "ready" || event["event"] === "failed");
  const failed = replica.events.find((event) => event["event"] === "failed");
  if (failed !== undefined) throw new Error(`replica failed: ${String(failed["reason"])}`);
  return replica;
}
