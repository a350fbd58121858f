import { stringify } from "yaml";
import type { ControllerState, RayReplicaState, ReplicaLifecycle, ReplicaRecord } from "../protocol/ControllerState.js";
import { describeEnginePath } from "../protocol/EnginePath.js";

/** Ray's `serve status` shape (applications -> deployments) plus what Ray does not show: endpoint, pids, memory... */
export interface StatusReport {
  running: boolean;
  endpoint?: string;
  controller?: { pid: number; config: string; log: string; started_at_s: number; stopping?: boolean };
  applications: Record<string, ApplicationReport>;
}

export interface ApplicationReport {
  status: string;
  message: string;
  last_deployed_time_s: number;
  route_prefix: string | null;
  endpoint: string | null;
  deployments: Record<string, DeploymentReport>;
}

export interface DeploymentReport {
  status: string;
  status_trigger: string;
  replica_states: Partial<Record<RayReplicaState, number>>;
  message: string;
  model_id: string;
  target_replicas: number;
  queued_requests: number;
  replicas: ReplicaReport[];
}

export interface ReplicaReport {
  replica_id: string;
  state: RayReplicaState | "STOPPED" | "FAILED";
  lifecycle: ReplicaLifecycle;
  pid: number | null;
  port: number | null;
  gpus: number[];
  /** CUDA_VISIBLE_DEVICES the process was started with (GPU UUIDs); null on CPU. */
  cuda_visible_devices: string | null;
  memory: string | null;
  memory_bytes: number | null;
  ongoing_requests: number;
  /** Generated tokens per second over the last 10 s (0 when idle); null when the state has no figure (a state file). */
  tokens_per_second: number | null;
  restarts: number;
  progress: string | null;
  /** Which engine path the replica runs, e.g. "native loop, local CPU kernels, CPU"; null until it has loaded. */
  engine: string | null;
  /** What makes it slower than it could be, and how to fix it (e.g. no C++ compiler for the fastDecode addon). */
  warnings: string[];
  /** Why a pending replica cannot start yet (placement). */
  pending_reason: string | null;
  last_error: string | null;
}

const RAY_STATE: Record<ReplicaLifecycle, RayReplicaState | "STOPPED" | "FAILED"> = {
  pending: "STARTING",
  starting: "STARTING",
  loading: "STARTING",
  backoff: "STARTING",
  ready: "RUNNING",
  stopping: "STOPPING",
  stopped: "STOPPED",
  failed: "FAILED",
};

/** Builds the report from a (live or reconciled) controller state. */
export function statusReport(state: ControllerState | undefined): StatusReport {
  if (state === undefined) return { running: false, applications: {} };
  const host = state.controller.host === "0.0.0.0" || state.controller.host === "::" ? "127.0.0.1" : state.controller.host;
  const endpoint = `http://${host.includes(":") ? `[${host}]` : host}:${state.controller.port}`;
  const applications: Record<string, ApplicationReport> = {};
  for (const app of state.applications) {
    const deployments: Record<string, DeploymentReport> = {};
    for (const deployment of app.deployments) {
      const replicaStates: Partial<Record<RayReplicaState, number>> = {};
      for (const replica of deployment.replicas) {
        const ray = RAY_STATE[replica.lifecycle];
        if (ray !== "STOPPED" && ray !== "FAILED") replicaStates[ray] = (replicaStates[ray] ?? 0) + 1;
      }
      deployments[deployment.name] = {
        status: deployment.status,
        status_trigger: deployment.statusTrigger,
        replica_states: replicaStates,
        message: deployment.message,
        model_id: deployment.modelId,
        target_replicas: deployment.targetReplicas,
        queued_requests: deployment.queuedRequests,
        replicas: deployment.replicas.map(replicaReport),
      };
    }
    applications[app.name] = {
      status: app.status,
      message: app.message,
      last_deployed_time_s: app.lastDeployedTimeS,
      route_prefix: app.routePrefix,
      endpoint: app.routePrefix === null ? null : `${endpoint}${app.routePrefix === "/" ? "/" : app.routePrefix}`,
      deployments,
    };
  }
  return {
    running: true,
    endpoint,
    controller: {
      pid: state.controller.pid,
      config: state.controller.configPath,
      log: state.controller.logFile,
      started_at_s: state.controller.startedAt,
      ...(state.controller.stopping === true ? { stopping: true } : {}),
    },
    applications,
  };
}

/** YAML as `serve status` prints it: block style, keys in insertion order, '' for empty messages. */
export function formatStatusYaml(report: StatusReport): string {
  return stringify(report, { lineWidth: 0, singleQuote: true });
}

function replicaReport(replica: ReplicaRecord): ReplicaReport {
  return {
    replica_id: replica.id,
    state: RAY_STATE[replica.lifecycle],
    lifecycle: replica.lifecycle,
    pid: replica.pid > 0 ? replica.pid : null,
    port: replica.port > 0 ? replica.port : null,
    gpus: replica.gpus,
    cuda_visible_devices: replica.cudaVisibleDevices !== undefined && replica.cudaVisibleDevices !== "" ? replica.cudaVisibleDevices : null,
    memory: replica.memoryBytes !== undefined ? formatBytes(replica.memoryBytes) : null,
    memory_bytes: replica.memoryBytes ?? null,
    ongoing_requests: replica.ongoingRequests,
    tokens_per_second: replica.tokensPerSecond ?? null,
    restarts: replica.restarts,
    progress: formatProgress(replica),
    engine: replica.engine !== undefined ? describeEnginePath(replica.engine) : null,
    warnings: [...(replica.engine?.warnings ?? [])],
    pending_reason: replica.pendingReason ?? null,
    last_error: replica.lastError ?? null,
  };
}

/** "downloading 37% of 4.1 GB", "loading 40%", or null. */
export function formatProgress(replica: Pick<ReplicaRecord, "progress">): string | null {
  const progress = replica.progress;
  if (progress === undefined) return null;
  const percent = progress.fraction !== undefined ? `${Math.round(progress.fraction * 100)}%` : undefined;
  if (progress.phase === "building") return `building ${progress.what ?? "native code"} (first start)`;
  if (progress.phase === "downloading") {
    const total = progress.totalBytes !== undefined ? ` of ${formatBytes(progress.totalBytes)}` : "";
    return `downloading ${percent ?? formatBytes(progress.downloadedBytes ?? 0)}${total}`;
  }
  return `loading${percent !== undefined ? ` ${percent}` : ""}`;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
