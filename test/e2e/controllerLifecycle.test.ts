import { existsSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { execa } from "execa";
import OpenAI from "openai";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ensureScriptedReasoningModel } from "../models/ensureScriptedReasoningModel.js";
import { SCRIPTED_ANSWER } from "../models/scriptedReasoningScript.js";
import { LLMSERVE_BIN, REPO_ROOT } from "../helpers/cli.js";
import {
  createControllerSandbox,
  llmserve,
  portIsFree,
  processesOfHome,
  recordedReplicaPids,
  removeControllerSandbox,
  waitFor,
  writeServeConfig,
} from "../helpers/controllerHarness.js";

// Issue 5, end to end with the real `llmserve replica` on the scripted reasoning model: run, status, shutdown,
// Ctrl-C, a dead controller, and the start-up failures. Nothing here fakes the engine.
describe("llmserve run / status / shutdown", () => {
  let model: string;
  let home: { path: string; remove: () => void };
  let dir: string;
  let port: number;

  beforeAll(() => {
    model = ensureScriptedReasoningModel();
  });
  beforeEach(async () => {
    ({ home, dir, port } = await createControllerSandbox("ctl"));
  });
  afterEach(() => {
    removeControllerSandbox({ home, dir, port });
  });

  const client = (): OpenAI => new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "unused", maxRetries: 0 });

  it("should serve through the controller after run --non-blocking, report status, and leave nothing after shutdown -y", async () => {
    const config = writeServeConfig(join(dir, "app.yaml"), port, [{ name: "app", models: [{ id: "scripted", source: model }] }]);
    const run = await llmserve(["run", config, "--non-blocking"], home.path);
    expect(run.exitCode, String(run.stderr)).toBe(0);
    expect(run.stdout).toContain(`Application 'app' is ready at http://127.0.0.1:${port}/.`);

    const completion = await client().chat.completions.create({ model: "scripted", messages: [{ role: "user", content: "hello" }] });
    expect(completion.choices[0]?.message.content).toContain(SCRIPTED_ANSWER);
    // `model` left out: the only model is used.
    const implicit = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "hello" }] }),
    });
    expect(implicit.status).toBe(200);
    const stream = await client().chat.completions.create({ model: "scripted", stream: true, messages: [{ role: "user", content: "hello" }] });
    let streamed = "";
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      streamed += chunk.choices[0]?.delta.content ?? "";
    }
    expect(chunks).toBeGreaterThan(3);
    expect(streamed).toContain(SCRIPTED_ANSWER);
    await expect(client().chat.completions.create({ model: "nope", messages: [{ role: "user", content: "hi" }] }))
      .rejects.toMatchObject({ status: 404, error: { code: "model_not_found" } });
    const models = await client().models.list();
    expect(models.data.map((m) => m.id)).toEqual(["scripted"]);

    const yamlStatus = await llmserve(["status"], home.path);
    expect(yamlStatus.exitCode).toBe(0);
    const report = parse(String(yamlStatus.stdout)) as Record<string, any>;
    const app = report["applications"]["app"];
    expect(app.status).toBe("RUNNING");
    expect(app.message).toBe("");
    expect(app.last_deployed_time_s).toBeGreaterThan(1_700_000_000);
    expect(app.endpoint).toBe(`http://127.0.0.1:${port}/`);
    const deployment = app.deployments["LLMServer:scripted"];
    expect(deployment).toMatchObject({ status: "HEALTHY", status_trigger: "CONFIG_UPDATE_COMPLETED", replica_states: { RUNNING: 1 }, message: "" });
    const replica = deployment.replicas[0];
    expect(processesOfHome(home.path)).toContain(replica.pid);
    expect(replica.memory_bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(replica.gpus).toEqual([]);
    expect(replica.ongoing_requests).toBe(0);
    const jsonStatus = await llmserve(["status", "--json"], home.path);
    expect(JSON.parse(String(jsonStatus.stdout)).applications.app.deployments["LLMServer:scripted"].replicas[0].pid).toBe(replica.pid);

    // The replica's own port is no way around the controller: without the controller's secret it serves nothing.
    const direct = `http://127.0.0.1:${String(replica.port)}`;
    const bypass = await fetch(`${direct}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-llmserve-replica-token": "guess" },
      body: JSON.stringify({ model: "scripted", messages: [{ role: "user", content: "hello" }] }),
    });
    expect(bypass.status).toBe(401);
    expect(await bypass.json()).toMatchObject({ error: { type: "authentication_error", code: "replica_token_required" } });
    expect((await fetch(`${direct}/v1/models`)).status).toBe(401);
    expect((await fetch(`${direct}/health`)).status).toBe(200);

    const replicaLogs = await llmserve(["logs", "app/scripted"], home.path);
    expect(replicaLogs.exitCode).toBe(0);
    expect(replicaLogs.stdout).toContain(`(app/scripted r1) ---- llmserve: replica r1 started, pid ${replica.pid} ----`);
    expect(replicaLogs.stdout).not.toContain("(controller)");
    const allLogs = await llmserve(["logs"], home.path);
    expect(allLogs.stdout).toContain("(controller)");
    expect(allLogs.stdout).toContain("app/scripted: deployed (1 replica(s) ready)");

    const shutdown = await llmserve(["shutdown", "-y"], home.path);
    expect(shutdown.exitCode, String(shutdown.stderr)).toBe(0);
    expect(shutdown.stdout).toContain(`app/scripted r1 (pid ${replica.pid})`);
    expect(shutdown.stdout).toContain("No process it started is left.");
    expect(processesOfHome(home.path)).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
    expect(existsSync(join(home.path, "state.json"))).toBe(false);

    const after = await llmserve(["status"], home.path);
    expect([after.exitCode, String(after.stdout).trim()]).toEqual([0, "No llmserve instance is running."]);
    const again = await llmserve(["shutdown", "-y"], home.path);
    expect([again.exitCode, String(again.stdout).trim()]).toEqual([0, "No llmserve instance is running."]);
  });

  it("should refuse shutdown without -y when not interactive, and keep serving", async () => {
    const config = writeServeConfig(join(dir, "app.yaml"), port, [{ name: "app", models: [{ id: "scripted", source: model }] }]);
    expect((await llmserve(["run", config, "--non-blocking"], home.path)).exitCode).toBe(0);
    const refused = await llmserve(["shutdown"], home.path);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("pass -y");
    expect((await client().models.list()).data).toHaveLength(1);
    expect((await llmserve(["shutdown", "-y"], home.path)).exitCode).toBe(0);
  });

  it("should stream prefixed logs in a blocking run and stop everything it started on Ctrl-C, exiting 0", async () => {
    const config = writeServeConfig(join(dir, "app.yaml"), port, [{ name: "app", models: [{ id: "scripted", source: model }] }]);
    const run = execa(process.execPath, [LLMSERVE_BIN, "run", config], {
      cwd: REPO_ROOT,
      env: { LLMSERVE_HOME: home.path, LLMSERVE_THREADS: "1", NO_COLOR: "1" },
      reject: false,
      buffer: true,
    });
    let output = "";
    run.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await waitFor("the app to be ready", () => output.includes(`Application 'app' is ready at http://127.0.0.1:${port}/.`), 60_000);
    await waitFor("replica log lines", () => output.includes("(app/scripted r1)") && output.includes("(controller)"), 10_000);
    const completion = await client().chat.completions.create({ model: "scripted", messages: [{ role: "user", content: "hello" }] });
    expect(completion.choices[0]?.message.content).toContain(SCRIPTED_ANSWER);
    run.kill("SIGINT");
    const result = await run;
    expect(result.exitCode, output).toBe(0);
    expect(output).toContain("Shut down.");
    expect(processesOfHome(home.path)).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
  });

  it("should let replicas exit by themselves when the controller is killed with SIGKILL, then clean up on status", async () => {
    const config = writeServeConfig(join(dir, "app.yaml"), port, [{ name: "app", models: [{ id: "scripted", source: model, replicas: 2 }] }]);
    expect((await llmserve(["run", config, "--non-blocking"], home.path)).exitCode).toBe(0);
    const replicas = recordedReplicaPids(home.path)["app/scripted"] ?? [];
    expect(replicas).toHaveLength(2);
    const status = parse(String((await llmserve(["status"], home.path)).stdout)) as { controller: { pid: number } };
    process.kill(status.controller.pid, "SIGKILL");
    // No llmserve command runs meanwhile: the replicas notice their parent is gone on their own.
    await waitFor("replicas to exit by themselves", () => processesOfHome(home.path).length === 0, 15_000);
    expect(existsSync(join(home.path, "state.json"))).toBe(true);

    const after = await llmserve(["status"], home.path);
    expect(after.exitCode).toBe(0);
    expect(after.stdout).toContain(`The controller (pid ${status.controller.pid}) is gone; removed its stale state`);
    expect(after.stdout).toContain("No llmserve instance is running.");
    expect(existsSync(join(home.path, "state.json"))).toBe(false);
    const shutdown = await llmserve(["shutdown", "-y"], home.path);
    expect([shutdown.exitCode, String(shutdown.stdout).trim()]).toEqual([0, "No llmserve instance is running."]);
    expect(await portIsFree(port)).toBe(true);
  });

  it("should fail with the reason and leave nothing running when the port is in use", async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", resolve));
    try {
      const config = writeServeConfig(join(dir, "app.yaml"), port, [{ name: "app", models: [{ id: "scripted", source: model }] }]);
      const run = await llmserve(["run", config, "--non-blocking"], home.path);
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(run.stderr).toContain("nothing was started");
      expect(processesOfHome(home.path)).toEqual([]);
      expect(existsSync(join(home.path, "state.json"))).toBe(false);
      expect(existsSync(join(home.path, "state.lock"))).toBe(false);
    } finally {
      squatter.close();
    }
  });

  it("should start nothing for an invalid file and point at the line", async () => {
    const config = join(dir, "bad.yaml");
    writeFileSync(config, "applications:\n  - name: app\n    args:\n      llm_configs:\n        - model_loading_config: {}\n");
    const run = await llmserve(["run", config, "--non-blocking"], home.path);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`${config.replaceAll(".", "\\.")}:5:\\d+: error: `));
    expect(run.stderr).toContain("is invalid");
    expect(processesOfHome(home.path)).toEqual([]);
    expect(existsSync(join(home.path, "state.json"))).toBe(false);
  });

  it("should report a missing model file as a config error and a corrupt one as a failed deployment, leaving nothing", async () => {
    const missing = writeServeConfig(join(dir, "missing.yaml"), port, [{ name: "app", models: [{ id: "m", source: join(dir, "nowhere.gguf") }] }]);
    const first = await llmserve(["run", missing, "--non-blocking"], home.path);
    expect(first.exitCode).toBe(1);
    expect(first.stderr).toContain("nowhere.gguf");
    expect(processesOfHome(home.path)).toEqual([]);

    const corrupt = join(dir, "corrupt.gguf");
    writeFileSync(corrupt, "this is not a model");
    const config = writeServeConfig(join(dir, "corrupt.yaml"), port, [{ name: "app", models: [{ id: "m", source: corrupt }] }]);
    const run = await llmserve(["run", config, "--non-blocking"], home.path);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("Deployment failed: application 'app'");
    expect(run.stderr).toContain(`${corrupt} is not a valid GGUF: expected the magic "GGUF" at byte 0`);
    expect(processesOfHome(home.path)).toEqual([]);
    expect(existsSync(join(home.path, "state.json"))).toBe(false);
    expect(await portIsFree(port)).toBe(true);
  });
});
