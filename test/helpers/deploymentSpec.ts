import type { DeploymentSpec } from "../../src/controller/controllerSpec.js";
import { sampleReplicaSpec } from "./sampleReplicaSpec.js";
import { DEFAULT_LOG_SETTINGS } from "../../src/logLine.js";

export type DeploymentSpecOverrides = Omit<Partial<DeploymentSpec>, "resources"> & {
  resources?: Partial<DeploymentSpec["resources"]>;
};

/** A DeploymentSpec for unit tests of controller decisions: one replica of `app/m` on one GPU, 1 s timings. */
export function deploymentSpec(overrides: DeploymentSpecOverrides = {}): DeploymentSpec {
  return {
    appName: "app",
    name: "LLMServer:m",
    modelId: "m",
    version: "v1",
    configPath: "/tmp/app.yaml",
    initialReplicas: 1,
    autoscaling: undefined,
    envVars: {},
    acceleratorType: undefined,
    healthCheckPeriodMs: 1000,
    healthCheckTimeoutMs: 1000,
    gracefulShutdownTimeoutMs: 1000,
    maxOngoingRequests: 1e9,
    maxQueuedRequests: -1,
    replica: sampleReplicaSpec(),
    logging: DEFAULT_LOG_SETTINGS,
    engineMetrics: true,
    ...overrides,
    resources: {
      gpusNeeded: 1,
      gpuMemoryUtilization: undefined,
      ggufSource: undefined,
      contextSize: undefined,
      sequences: 1,
      ...overrides.resources,
    },
  };
}
