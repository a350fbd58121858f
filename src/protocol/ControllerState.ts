import type { EnginePath } from "./EnginePath.js";
import { parseJsonObject } from "./parseJsonObject.js";

/**
 * What the controller records about itself and everything it started: the content of $LLMSERVE_HOME/state.json
 * and the body of the admin `GET /status`. Status values are Ray Serve's.
 */

/** Ray's ApplicationStatus (NOT_STARTED is never recorded: such an app is simply absent). */
export type ApplicationStatus = "DEPLOYING" | "RUNNING" | "DEPLOY_FAILED" | "UNHEALTHY" | "DELETING";

/** Ray's DeploymentStatus. */
export type DeploymentStatus = "UPDATING" | "HEALTHY" | "UNHEALTHY" | "DEPLOY_FAILED" | "UPSCALING" | "DOWNSCALING";

/** Ray's DeploymentStatusTrigger. */
export type DeploymentStatusTrigger =
  | "UNSPECIFIED"
  | "CONFIG_UPDATE_STARTED"
  | "CONFIG_UPDATE_COMPLETED"
  | "UPSCALE_COMPLETED"
  | "DOWNSCALE_COMPLETED"
  | "AUTOSCALING"
  | "REPLICA_STARTUP_FAILED"
  | "HEALTH_CHECK_FAILED"
  | "INTERNAL_ERROR"
  | "DELETING";

/** Ray's ReplicaState, as counted in `replica_states`. */
export type RayReplicaState = "STARTING" | "UPDATING" | "RECOVERING" | "RUNNING" | "STOPPING" | "PENDING_MIGRATION";

/**
 * llmserve's own, finer replica lifecycle (see src/controller/replica/decideReplica.ts for the transitions):
 * pending -> starting -> loading -> ready -> stopping -> stopped, and backoff (waiting to restart after a failure),
 * failed (gave up).
 */
export type ReplicaLifecycle = "pending" | "starting" | "loading" | "ready" | "stopping" | "stopped" | "backoff" | "failed";

export interface ReplicaProgress {
  phase: "building" | "downloading" | "loading";
  /** What is being built (phase building), e.g. "the fastDecode addon". */
  what?: string;
  /** 0..1 when known. */
  fraction?: number;
  downloadedBytes?: number;
  totalBytes?: number;
}

export interface ReplicaRecord {
  /** Stable for the life of the slot across restarts, e.g. `qwen#1`. */
  id: string;
  /** Current process (0 while none runs); it leads its own process group. */
  pid: number;
  /** The replica's HTTP port on 127.0.0.1 (0 until it listens). */
  port: number;
  lifecycle: ReplicaLifecycle;
  /** GPU indices given by placement; [] = CPU. */
  gpus: number[];
  /** CUDA_VISIBLE_DEVICES the replica process was started with (the GPUs' UUIDs), when placement set it. */
  cudaVisibleDevices?: string;
  /** Why a `pending` replica cannot start yet (placement), e.g. "needs 8 x A100-40G, this machine has 1 x NVIDIA H200". */
  pendingReason?: string;
  restarts: number;
  lastError?: string;
  progress?: ReplicaProgress;
  /** Which engine path the current process runs, as it reported once loaded (absent before). */
  engine?: EnginePath;
  /** Requests the controller has in flight on this replica. */
  ongoingRequests: number;
  /**
   * Tokens it generated per second over the last 10 s (`GenerationRate`: streamed answers count as their events pass,
   * each answer's exact usage replaces that estimate when it ends; a non-streamed answer counts when it ends, spread
   * over its generation time); 0 when idle.
   */
  tokensPerSecond?: number;
  /** Resident memory in bytes, filled when status is reported. */
  memoryBytes?: number;
  /** Unix seconds the current process started. */
  startedAt?: number;
  /** The current process's start time (`ProcessIdentity.startTime`), checked before it is signalled. */
  startTime?: string;
  /** Version (config hash) of the deployment this replica runs. */
  version: string;
  /** Where the replica's stderr goes (every process of this slot appends to it). */
  logFile?: string;
}

export interface DeploymentRecord {
  /** Ray's name: `LLMServer:<model_id with "/" -> "--" and "." -> "_">` or deployment_config.name. */
  name: string;
  modelId: string;
  status: DeploymentStatus;
  statusTrigger: DeploymentStatusTrigger;
  message: string;
  targetReplicas: number;
  queuedRequests: number;
  /** Hash of everything that requires new replicas when it changes. */
  version: string;
  replicas: ReplicaRecord[];
}

export interface ApplicationRecord {
  name: string;
  /** null: not exposed over HTTP. */
  routePrefix: string | null;
  status: ApplicationStatus;
  message: string;
  /** Unix seconds (float) of the last apply that changed this application. */
  lastDeployedTimeS: number;
  deployments: DeploymentRecord[];
}

export interface ControllerRecord {
  pid: number;
  /** The controller's start time (`ProcessIdentity.startTime`), checked before it is signalled. */
  startTime?: string;
  /** `LLMSERVE_INSTANCE_ID` in the environment of the controller and of every replica (`src/process/instanceProcesses.ts`). */
  instanceId?: string;
  /** Unix seconds. */
  startedAt: number;
  host: string;
  port: number;
  adminPort: number;
  /** Bearer token for the admin endpoint; state.json is written 0600. */
  adminToken: string;
  configPath: string;
  configHash: string;
  logFile: string;
  /** Longest graceful_shutdown_timeout_s of the deployments, in ms: what `shutdown` waits for before SIGKILL. */
  gracefulShutdownTimeoutMs: number;
  /** Set once a shutdown has begun. */
  stopping?: boolean;
}

export interface ControllerState {
  version: 1;
  controller: ControllerRecord;
  applications: ApplicationRecord[];
  /** Unix seconds of the last write. */
  updatedAt: number;
}

/**
 * The state in `text` (state.json or the admin GET /status body), or undefined when it is not one: a torn or
 * foreign file reads as no state. Checks the fields every reader relies on (version, the controller's pid and
 * ports, the applications list).
 */
export function parseControllerState(text: string): ControllerState | undefined {
  const record = parseJsonObject(text);
  if (record === undefined || record["version"] !== 1 || !Array.isArray(record["applications"])) return undefined;
  const controller = record["controller"];
  if (typeof controller !== "object" || controller === null) return undefined;
  const { pid, adminPort } = controller as Record<string, unknown>;
  if (typeof pid !== "number" || typeof adminPort !== "number") return undefined;
  return record as unknown as ControllerState;
}

/** The state as written to state.json and answered on GET /status. */
export function formatControllerState(state: ControllerState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}
