import { describe, expect, it } from "vitest";
import { applicationStatus } from "../../../src/controller/applicationStatus.js";
import type { DeploymentRecord, DeploymentStatus } from "../../../src/protocol/ControllerState.js";

const deployment = (name: string, status: DeploymentStatus, message = ""): DeploymentRecord => ({
  name,
  modelId: name,
  status,
  statusTrigger: "UNSPECIFIED",
  message,
  targetReplicas: 1,
  queuedRequests: 0,
  version: "v1",
  replicas: [],
});

describe("applicationStatus", () => {
  it("should rank DELETING, DEPLOY_FAILED, UNHEALTHY, DEPLOYING, RUNNING and name the deployment at fault", () => {
    const failed = deployment("LLMServer:a", "DEPLOY_FAILED", "out of memory");
    const sick = deployment("LLMServer:b", "UNHEALTHY", "0 of 1 replicas running");
    const updating = deployment("LLMServer:c", "UPDATING");
    const healthy = deployment("LLMServer:d", "HEALTHY");
    expect(applicationStatus(true, [failed])).toEqual({ status: "DELETING", message: "" });
    expect(applicationStatus(false, [sick, failed])).toEqual({
      status: "DEPLOY_FAILED",
      message: "Deploying LLMServer:a failed: out of memory",
    });
    expect(applicationStatus(false, [updating, sick])).toEqual({
      status: "UNHEALTHY",
      message: "The deployment LLMServer:b is UNHEALTHY: 0 of 1 replicas running",
    });
    expect(applicationStatus(false, [healthy, updating]).status).toBe("DEPLOYING");
    expect(applicationStatus(false, [healthy, deployment("LLMServer:e", "UPSCALING")]).status).toBe("RUNNING");
  });
});
