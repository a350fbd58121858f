import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureScriptedReasoningModel } from "../models/ensureScriptedReasoningModel.js";
import {
  createControllerSandbox,
  FAKE_REPLICA,
  llmserve,
  portIsFree,
  processesOfHome,
  recordedReplicaPids,
  removeControllerSandbox,
  waitFor,
  writeServeConfig,
} from "../helpers/controllerHarness.js";

// Supervisor and proxy edge cases through the whole controller, with the FIXTURE replica standing in for
// `llmserve replica` (LLMSERVE_REPLICA_ENTRY) so that crashes, SIGTERM-ignoring and chunk timing can be forced.
// These tests make no claim about serving a model.
describe("controller supervision with the fixture replica", () => {
  let model: string;
  let home: { path: string; remove: () => void };
  let dir: string;
  let port: number;
  const env = { LLMSERVE_REPLICA_ENTRY: FAKE_REPLICA };

  beforeAll(() => {
    model = ensureScriptedReasoningModel(); // only so the config validates; the fixture never reads it
  });
  beforeEach(async () => {
    ({ home, dir, port } = await createControllerSandbox("fixture"));
  });
  afterEach(() => {
    removeControllerSandbox({ home, dir, port });
  });

  it("should SIGKILL a replica that ignores SIGTERM at shutdown and still leave nothing behind", async () => {
    const config = writeServeConfig(join(dir, "app.yaml"), port, [
      { name: "app", models: [{ id: "stubborn", source: model, envVars: { FAKE_IGNORE_SIGTERM: "1" } }] },
    ]);
    expect((await llmserve(["run", config, "--non-blocking"], home.path, env)).exitCode).toBe(0);
    expect(processesOfHome(home.path)).toHaveLength(2);
    const started = Date.now();
    const shutdown = await llmserve(["shutdown", "-y"], home.path, env);
    expect(shutdown.exitCode, String(shutdown.stderr)).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_000); // REPLICA_STOP_GRACE_MS before SIGKILL
    expect(shutdown.stdout).toContain("No process it started is left.");
    expect(processesOfHome(home.path)).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
  });

  it("should mark a crash-looping deployment UNHEALTHY with the reason while restarting it with backoff", async () => {
    const config = writeServeConfig(join(dir, "app.yaml"), port, [
      { name: "app", models: [{ id: "flaky", source: model, envVars: { FAKE_CRASH_AFTER_MS: "2000" } }] },
    ]);
    expect((await llmserve(["run", config, "--non-blocking"], home.path, env)).exitCode).toBe(0);
    const report = await waitFor("UNHEALTHY", async () => {
      const status = JSON.parse(String((await llmserve(["status", "--json"], home.path, env)).stdout));
      const replicas = status.applications.app.deployments["LLMServer:flaky"].replicas;
      // UNHEALTHY from the first crash (no replica left running), and it keeps being restarted.
      return status.applications.app.status === "UNHEALTHY" && replicas[0].restarts >= 2 ? status : undefined;
    }, 30_000, 300);
    const deployment = report.applications.app.deployments["LLMServer:flaky"];
    expect(deployment.status).toBe("UNHEALTHY");
    expect(deployment.status_trigger).toBe("HEALTH_CHECK_FAILED");
    expect(deployment.message).toMatch(/replica r1 failed \d+ time\(s\) in a row, restarting with backoff: the replica process exited with code 3/);
    expect(report.applications.app.message).toContain("LLMServer:flaky is UNHEALTHY");
    expect((await llmserve(["shutdown", "-y"], home.path, env)).exitCode).toBe(0);
    expect(processesOfHome(home.path)).toEqual([]);
  });

  it("should answer 504 for a request that times out on a frozen replica and send it no new request until it recovers", async () => {
    const config = writeServeConfig(join(dir, "app.yaml"), port, [
      { name: "app", models: [{ id: "pair", source: model, replicas: 2, deploymentConfig: { health_check_period_s: 5, health_check_timeout_s: 2 } }] },
    ], { request_timeout_s: 1, api_key_env: "PAIR_API_KEY" });
    const keyed = { ...env, PAIR_API_KEY: "sk-pair-secret" };
    expect((await llmserve(["run", config, "--non-blocking"], home.path, keyed)).exitCode).toBe(0);
    const [frozen, other] = Object.values(recordedReplicaPids(home.path)).flat();
    const chat = async (authorization = "bearer sk-pair-secret"): Promise<Response> =>
      fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization },
        body: JSON.stringify({ model: "pair", messages: [{ role: "user", content: "hi" }] }),
      });
    // The scheme is case-insensitive (RFC 9110); the key is not.
    expect((await chat("BEARER sk-pair-secret")).status).toBe(200);
    expect((await chat("bearer sk-pair-SECRET")).status).toBe(401);

    process.kill(frozen!, "SIGSTOP");
    try {
      const frozenAt = Date.now();
      const answers: { status: number; pid: string | null; code?: string }[] = [];
      for (let i = 0; i < 12; i++) {
        const response = await chat();
        const body = (await response.json()) as { error?: { code: string } };
        answers.push({ status: response.status, pid: response.headers.get("x-replica-pid"), ...(body.error !== undefined ? { code: body.error.code } : {}) });
      }
      // Long before a third failed health check (~15 s): one request timed out, every later one went elsewhere.
      expect(Date.now() - frozenAt).toBeLessThan(8_000);
      const timedOut = answers.findIndex((answer) => answer.status !== 200);
      expect(answers[timedOut]).toEqual({ status: 504, pid: null, code: "request_timeout" });
      expect(answers.slice(timedOut + 1)).toEqual(answers.slice(timedOut + 1).map(() => ({ status: 200, pid: String(other) })));
      expect(answers.filter((answer) => answer.status !== 200)).toHaveLength(1);
    } finally {
      process.kill(frozen!, "SIGCONT");
    }
    // Once a health check passes again it takes requests again.
    await waitFor("the thawed replica to answer", async () => (await chat()).headers.get("x-replica-pid") === String(frozen), 20_000, 200);
    expect((await llmserve(["shutdown", "-y"], home.path, keyed)).exitCode).toBe(0);
    expect(processesOfHome(home.path)).toEqual([]);
  });

  it("should pass SSE chunks through as they are produced, not buffered", async () => {
    const config = writeServeConfig(join(dir, "app.yaml"), port, [
      { name: "app", models: [{ id: "slow", source: model, envVars: { FAKE_CHUNK_DELAY_MS: "300", FAKE_STREAM_CHUNKS: "4" } }] },
    ]);
    expect((await llmserve(["run", config, "--non-blocking"], home.path, env)).exitCode).toBe(0);
    const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "slow", stream: true, messages: [] }),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const arrivals: number[] = [];
    const decoder = new TextDecoder();
    let text = "";
    for await (const chunk of response.body!) {
      arrivals.push(Date.now());
      text += decoder.decode(chunk as Uint8Array);
    }
    expect(text).toContain("data: [DONE]");
    // Five events 300 ms apart: the first must arrive long before the last.
    expect(arrivals.length).toBeGreaterThanOrEqual(4);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(900);
    expect((await llmserve(["shutdown", "-y"], home.path, env)).exitCode).toBe(0);
  });
});
