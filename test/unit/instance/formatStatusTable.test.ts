import { describe, expect, it } from "vitest";
import { formatStatusTable } from "../../../src/instance/formatStatusTable.js";
import type { StatusReport } from "../../../src/instance/statusReport.js";

const report: StatusReport = {
  running: true,
  endpoint: "http://127.0.0.1:8000",
  applications: {
    chat: {
      status: "RUNNING", message: "", last_deployed_time_s: 1, route_prefix: "/", endpoint: "http://127.0.0.1:8000",
      deployments: {
        "LLMServer:qwen": {
          status: "HEALTHY", status_trigger: "CONFIG_UPDATE_COMPLETED", replica_states: { RUNNING: 2 }, message: "", model_id: "qwen",
          target_replicas: 2, queued_requests: 3,
          replicas: [
            { replica_id: "r1", state: "RUNNING", lifecycle: "ready", pid: 4242, port: 1, gpus: [0], cuda_visible_devices: "GPU-a", memory: "1.2 GiB", memory_bytes: 1, ongoing_requests: 4, tokens_per_second: 37.2, restarts: 0, progress: null, pending_reason: null, engine: "native loop, prebuilt CPU kernels, CPU", warnings: [], last_error: null },
            { replica_id: "r2", state: "STARTING", lifecycle: "pending", pid: null, port: null, gpus: [], cuda_visible_devices: null, memory: null, memory_bytes: null, ongoing_requests: 0, tokens_per_second: 0, restarts: 1, progress: null, pending_reason: "waiting for GPUs", engine: null, warnings: [], last_error: null },
          ],
        },
      },
    },
  },
};

describe("formatStatusTable", () => {
  it("should print one aligned row per replica with its state, pid, GPU, memory, load, tokens/s (- when idle) and the deployment's queue", () => {
    expect(formatStatusTable(report)).toBe(
      [
        "APP   MODEL  REPLICA  STATE     PID   GPU  MEMORY   ONGOING  QUEUED  TOKENS/S  RESTARTS",
        "chat  qwen   r1       RUNNING   4242  0    1.2 GiB  4        3       37.2      0",
        "chat  qwen   r2       STARTING  -     CPU  -        0        3       -         1",
        "",
        "endpoint: http://127.0.0.1:8000  metrics: http://127.0.0.1:8000/metrics",
        "",
      ].join("\n"),
    );
  });

  it("should say so when nothing runs", () => {
    expect(formatStatusTable({ running: false, applications: {} })).toBe("No llmserve instance is running.\n");
  });
});
