import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureScriptedReasoningModel } from "../models/ensureScriptedReasoningModel.js";
import {
  createControllerSandbox,
  FAKE_REPLICA,
  llmserve,
  portIsFree,
  processesOfHome,
  removeControllerSandbox,
  waitFor,
  writeServeConfig,
} from "../helpers/controllerHarness.js";

// Whatever happens to state.json, `status` and `shutdown` find every process of the instance (by the instance id
// in their environment) and never signal a process llmserve did not start. The fixture replica stands in for
// `llmserve replica`: these are process-management cases, with no claim about serving.
describe("the instance registry", () => {
  let model: string;
  let sandbox: Awaited<ReturnType<typeof createControllerSandbox>>;
  const env = { LLMSERVE_REPLICA_ENTRY: FAKE_REPLICA };

  beforeAll(() => {
    model = ensureScriptedReasoningModel(); // only so the config validates
  });
  beforeEach(async () => {
    sandbox = await createControllerSandbox("registry");
  });
  afterEach(() => removeControllerSandbox(sandbox));

  const statePath = (): string => join(sandbox.home.path, "state.json");

  it.each([
    ["overwritten with garbage", () => writeFileSync(statePath(), "\u0000garbage{{{")],
    ["deleted", () => rmSync(statePath())],
    ["truncated mid-write", () => writeFileSync(statePath(), readFileSync(statePath(), "utf8").slice(0, 300))],
  ])("should find and stop every process when state.json is %s while the controller is frozen", async (_how, damage) => {
    const config = writeServeConfig(join(sandbox.dir, "app.yaml"), sandbox.port, [{ name: "app", models: [{ id: "pair", source: model, replicas: 2 }] }]);
    expect((await llmserve(["run", config, "--non-blocking"], sandbox.home.path, env)).exitCode).toBe(0);
    const running = processesOfHome(sandbox.home.path);
    expect(running).toHaveLength(3);
    // A frozen controller cannot write its state again: status and shutdown have only the processes to go on.
    const controller = JSON.parse(readFileSync(statePath(), "utf8")).controller.pid as number;
    process.kill(controller, "SIGSTOP");
    damage();

    const status = await llmserve(["status"], sandbox.home.path, env);
    expect(status.exitCode).toBe(1);
    expect(status.stdout).toMatch(/The state file .*state\.json is (damaged|missing), but processes of this llmserve instance are running/);
    expect(status.stdout).toMatch(/controller pid \d+; 2 replica\(s\), pid \d+, \d+\. Stop them with `llmserve shutdown -y`\./);
    for (const pid of running) expect(status.stdout).toContain(String(pid));

    const shutdown = await llmserve(["shutdown", "-y"], sandbox.home.path, env);
    expect(shutdown.exitCode, String(shutdown.stderr)).toBe(0);
    expect(shutdown.stdout).toContain("No process it started is left.");
    for (const pid of running) expect(shutdown.stdout).toContain(`(pid ${pid})`);
    expect(processesOfHome(sandbox.home.path)).toEqual([]);
    expect(await portIsFree(sandbox.port)).toBe(true);
    expect(existsSync(statePath())).toBe(false);
    const after = await llmserve(["status"], sandbox.home.path, env);
    expect([after.exitCode, String(after.stdout).trim()]).toEqual([0, "No llmserve instance is running."]);
  });

  it("should write state.json again when it is damaged while the controller runs", async () => {
    const config = writeServeConfig(join(sandbox.dir, "app.yaml"), sandbox.port, [{ name: "app", models: [{ id: "one", source: model }] }]);
    expect((await llmserve(["run", config, "--non-blocking"], sandbox.home.path, env)).exitCode).toBe(0);
    // Once nothing changes any more, the controller has no reason of its own to write the file.
    await waitFor("the state to settle", () => Date.now() - statSync(statePath()).mtimeMs > 2_000, 15_000, 100);
    writeFileSync(statePath(), "garbage");
    await waitFor("state.json written again", () => readFileSync(statePath(), "utf8").startsWith("{"), 5_000, 100);
    const status = await llmserve(["status", "--json"], sandbox.home.path, env);
    expect(JSON.parse(String(status.stdout)).applications.app.status).toBe("RUNNING");
    expect((await llmserve(["shutdown", "-y"], sandbox.home.path, env)).exitCode).toBe(0);
    expect(processesOfHome(sandbox.home.path)).toEqual([]);
  });

  describe("with a state file naming a live process group llmserve did not start", () => {
    let foreign: ChildProcess;
    beforeEach(() => {
      // Someone else's process group, under a pid a crashed instance had recorded (a pid reused after a reboot).
      foreign = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore" });
      const deadController = spawnSync(process.execPath, ["-e", ""]).pid;
      const replica = (id: string, pid: number, startTime?: string) => ({
        id, pid, port: 0, lifecycle: "ready", gpus: [], restarts: 0, ongoingRequests: 0, version: "v", ...(startTime !== undefined ? { startTime } : {}),
      });
      writeFileSync(statePath(), JSON.stringify({
        version: 1,
        controller: {
          pid: deadController, startTime: "old-boot/100", instanceId: "instance-before-the-crash", startedAt: 1, host: "127.0.0.1",
          port: sandbox.port, adminPort: 1, adminToken: "x", configPath: "/nowhere.yaml", configHash: "h", logFile: "/nowhere.log",
          gracefulShutdownTimeoutMs: 0,
        },
        applications: [{
          name: "app", routePrefix: "/", status: "RUNNING", message: "", lastDeployedTimeS: 1,
          deployments: [{
            name: "LLMServer:m", modelId: "m", status: "HEALTHY", statusTrigger: "CONFIG_UPDATE_COMPLETED", message: "",
            targetReplicas: 1, queuedRequests: 0, version: "v", replicas: [replica("r1", foreign.pid!, "old-boot/200")],
          }],
        }],
        updatedAt: 1,
      }));
    });
    afterEach(() => {
      try {
        process.kill(-foreign.pid!, "SIGKILL");
      } catch {
        // gone
      }
    });

    it.each([["status"], ["shutdown", "-y"]])("should signal nothing on `%s`, clean the file up and warn", async (...command) => {
      const result = await llmserve(command, sandbox.home.path, env);
      expect(result.exitCode, String(result.stderr)).toBe(0);
      expect(result.stderr).toContain(`warning: process group(s) ${foreign.pid} named in the state file are not llmserve's any more`);
      expect(foreign.exitCode).toBeNull();
      expect(foreign.signalCode).toBeNull();
      process.kill(foreign.pid!, 0); // still there
      expect(existsSync(statePath())).toBe(false);
    });
  });
});
