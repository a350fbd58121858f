import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { ControllerState, ReplicaRecord } from "../../../src/protocol/ControllerState.js";
import { formatBytes, formatStatusYaml, statusReport } from "../../../src/instance/statusReport.js";

const replica = (overrides: Partial<ReplicaRecord>): ReplicaRecord => ({
  id: "r1", pid: 100, port: 4000, lifecycle: "ready", gpus: [], restarts: 0, ongoingRequests: 0, version: "v", ...overrides,
});

const state: ControllerState = {
  version: 1,
  controller: {
    pid: 42, startedAt: 1_700_000_000, host: "0.0.0.0", port: 8000, adminPort: 9, adminToken: "t",
    configPath: "/srv/app.yaml", configHash: "h", logFile: "/home/.llmserve/logs/controller.log", gracefulShutdownTimeoutMs: 20_000,
  },
  applications: [
    {
      name: "reasoning",
      routePrefix: "/reasoning",
      status: "DEPLOYING",
      message: "",
      lastDeployedTimeS: 1_765_861_088.5,
      deployments: [
        {
          name: "LLMServer:qwq", modelId: "qwq", status: "UPDATING", statusTrigger: "CONFIG_UPDATE_STARTED", message: "1 of 3 replicas ready.",
          targetReplicas: 3, queuedRequests: 2, version: "v",
          replicas: [
            replica({ id: "r1", memoryBytes: 3.5 * 1024 ** 3, ongoingRequests: 4, gpus: [0, 1] }),
            replica({ id: "r2", pid: 101, lifecycle: "loading", progress: { phase: "downloading", downloadedBytes: 1, totalBytes: 4.1e9, fraction: 0.37 } }),
            replica({ id: "r3", pid: 0, port: 0, lifecycle: "backoff", restarts: 2, lastError: "exited with code 1" }),
            replica({ id: "r0", pid: 99, lifecycle: "stopping" }),
          ],
        },
      ],
    },
    { name: "hidden", routePrefix: null, status: "RUNNING", message: "", lastDeployedTimeS: 1, deployments: [] },
  ],
  updatedAt: 1,
};

describe("statusReport", () => {
  it("should give Ray's application and deployment fields, with replica_states counted in Ray's states", () => {
    const report = statusReport(state);
    const app = report.applications["reasoning"]!;
    expect(Object.keys(app).slice(0, 3)).toEqual(["status", "message", "last_deployed_time_s"]);
    expect(app.status).toBe("DEPLOYING");
    const deployment = app.deployments["LLMServer:qwq"]!;
    expect(Object.keys(deployment).slice(0, 4)).toEqual(["status", "status_trigger", "replica_states", "message"]);
    expect(deployment.replica_states).toEqual({ RUNNING: 1, STARTING: 2, STOPPING: 1 });
  });

  it("should add what Ray does not show: endpoint, pid, GPUs, memory, ongoing requests and progress", () => {
    const report = statusReport(state);
    expect(report.endpoint).toBe("http://127.0.0.1:8000");
    expect(report.applications["reasoning"]!.endpoint).toBe("http://127.0.0.1:8000/reasoning");
    expect(report.applications["hidden"]!.endpoint).toBeNull();
    const [r1, r2, r3] = report.applications["reasoning"]!.deployments["LLMServer:qwq"]!.replicas;
    expect(r1).toMatchObject({ pid: 100, gpus: [0, 1], memory: "3.5 GiB", ongoing_requests: 4, state: "RUNNING" });
    expect(r2!.progress).toBe("downloading 37% of 3.8 GiB");
    expect(r3).toMatchObject({ pid: null, port: null, restarts: 2, last_error: "exited with code 1", state: "STARTING" });
  });

  it("should print YAML that parses back to the same report, with '' for empty messages", () => {
    const yaml = formatStatusYaml(statusReport(state));
    expect(yaml).toContain("message: ''");
    expect(parse(yaml)).toEqual(JSON.parse(JSON.stringify(statusReport(state))));
  });

  it("should show which engine path each replica runs, its warnings, and a first-start build as progress", () => {
    const warning = "the fastDecode addon is missing (no C++ compiler): node-llama-cpp's stock decode loop runs";
    const withEngines: ControllerState = {
      ...state,
      applications: [
        {
          ...state.applications[0]!,
          deployments: [
            {
              ...state.applications[0]!.deployments[0]!,
              replicas: [
                replica({ id: "r1", engine: { generation: "native", cpuKernels: "local", backend: "cpu", weights: "huge-pages", warnings: [] } }),
                replica({ id: "r2", engine: { generation: "stock", cpuKernels: "prebuilt", backend: "cuda", weights: "mapped", warnings: [warning] } }),
                replica({ id: "r3", lifecycle: "loading", progress: { phase: "building", what: "the fastDecode addon" } }),
              ],
            },
          ],
        },
      ],
    };
    const replicas = statusReport(withEngines).applications["reasoning"]!.deployments["LLMServer:qwq"]!.replicas;
    expect(replicas.map((r) => [r.engine, r.warnings, r.progress])).toEqual([
      ["native loop, local CPU kernels, CPU, weights in huge pages", [], null],
      ["stock loop, prebuilt CPU kernels, CUDA", [warning], null],
      [null, [], "building the fastDecode addon (first start)"],
    ]);
  });

  it("should say nothing runs when there is no state", () => {
    expect(statusReport(undefined)).toEqual({ running: false, applications: {} });
  });

  it("should format sizes in binary units", () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(150 * 1024 ** 2)]).toEqual(["512 B", "1.5 KiB", "150 MiB"]);
  });
});
