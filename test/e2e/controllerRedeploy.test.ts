import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ensureScriptedReasoningModel } from "../models/ensureScriptedReasoningModel.js";
import { SCRIPTED_ANSWER, SCRIPTED_REASONING } from "../models/scriptedReasoningScript.js";
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
import { startFileServer } from "../helpers/startFileServer.js";

// Issue 5, end to end with the real replica: declarative re-runs, a replica killed with SIGKILL, two racing runs.
describe("llmserve run against a running instance", () => {
  let model: string;
  let home: { path: string; remove: () => void };
  let dir: string;
  let port: number;

  beforeAll(() => {
    model = ensureScriptedReasoningModel();
  });
  beforeEach(async () => {
    ({ home, dir, port } = await createControllerSandbox("redeploy"));
  });
  afterEach(() => {
    removeControllerSandbox({ home, dir, port });
  });

  const client = (prefix = ""): OpenAI =>
    new OpenAI({ baseURL: `http://127.0.0.1:${port}${prefix}/v1`, apiKey: "unused", maxRetries: 0 });
  const ask = async (modelId: string, prefix = ""): Promise<string> => {
    const completion = await client(prefix).chat.completions.create({ model: modelId, messages: [{ role: "user", content: "hello" }] });
    return completion.choices[0]?.message.content ?? "";
  };

  it("should apply a second file declaratively: added model started, removed app stopped, unchanged model untouched", async () => {
    const first = writeServeConfig(join(dir, "first.yaml"), port, [
      { name: "chat", models: [{ id: "kept", source: model }] },
      { name: "extra", routePrefix: "/extra", models: [{ id: "dropped", source: model }] },
    ]);
    expect((await llmserve(["run", first, "--non-blocking"], home.path)).exitCode).toBe(0);
    expect(await ask("dropped", "/extra")).toContain(SCRIPTED_ANSWER);
    const before = recordedReplicaPids(home.path);
    const keptPid = before["chat/kept"]![0]!;
    const droppedPid = before["extra/dropped"]![0]!;

    const second = writeServeConfig(join(dir, "second.yaml"), port, [
      { name: "chat", models: [{ id: "kept", source: model }, { id: "added", source: model }] },
    ]);
    const run = await llmserve(["run", second, "--non-blocking"], home.path);
    expect(run.exitCode, String(run.stderr)).toBe(0);
    expect(run.stdout).toContain("updated [chat]");
    expect(run.stdout).toContain("removed [extra]");

    expect(await ask("added")).toContain(SCRIPTED_ANSWER);
    expect(await ask("kept")).toContain(SCRIPTED_ANSWER);
    expect(recordedReplicaPids(home.path)["chat/kept"]).toEqual([keptPid]);
    await waitFor("the removed app's replica to stop", () => !processesOfHome(home.path).includes(droppedPid), 30_000);
    await expect(ask("dropped", "/extra")).rejects.toMatchObject({ status: 404 });
    expect((await client().models.list()).data.map((m) => m.id).sort()).toEqual(["added", "kept"]);
    const status = parse(String((await llmserve(["status"], home.path)).stdout)) as { applications: Record<string, unknown> };
    expect(Object.keys(status.applications)).toEqual(["chat"]);

    expect((await llmserve(["shutdown", "-y"], home.path)).exitCode).toBe(0);
    expect(processesOfHome(home.path)).toEqual([]);
  });

  it("should redeploy a changed model new-before-old without failing requests", async () => {
    const first = writeServeConfig(join(dir, "v1.yaml"), port, [{ name: "chat", models: [{ id: "m", source: model }] }]);
    expect((await llmserve(["run", first, "--non-blocking"], home.path)).exitCode).toBe(0);
    const oldPid = recordedReplicaPids(home.path)["chat/m"]![0]!;
    const second = writeServeConfig(join(dir, "v2.yaml"), port, [
      { name: "chat", models: [{ id: "m", source: model, envVars: { LLMSERVE_TEST_VERSION: "2" } }] },
    ]);
    let failures = 0;
    let served = 0;
    let load = true;
    const traffic = (async () => {
      while (load) {
        try {
          if ((await ask("m")).includes(SCRIPTED_ANSWER)) served++;
        } catch {
          failures++;
        }
      }
    })();
    const run = await llmserve(["run", second, "--non-blocking"], home.path);
    await waitFor("the old replica to be gone", () => !processesOfHome(home.path).includes(oldPid), 30_000);
    const servedAfterSwap = served;
    await waitFor("more requests after the swap", () => served > servedAfterSwap + 2, 30_000);
    load = false;
    await traffic;
    expect(run.exitCode, String(run.stderr)).toBe(0);
    expect(run.stdout).toContain("updated [chat]");
    expect(failures).toBe(0);
    expect(recordedReplicaPids(home.path)["chat/m"]).not.toContain(oldPid);
    expect((await llmserve(["shutdown", "-y"], home.path)).exitCode).toBe(0);
  });

  it("should restart a killed replica on the config it deployed, not on the file as edited since", async () => {
    const config = writeServeConfig(join(dir, "app.yaml"), port, [{ name: "app", models: [{ id: "m", source: model }] }]);
    expect((await llmserve(["run", config, "--non-blocking"], home.path)).exitCode).toBe(0);
    const reply = async (): Promise<{ content: string; reasoning: string | undefined }> => {
      const completion = await client().chat.completions.create({ model: "m", messages: [{ role: "user", content: "hello" }] });
      const message = completion.choices[0]!.message as { content: string | null; reasoning_content?: string };
      return { content: (message.content ?? "").trim(), reasoning: message.reasoning_content?.trim() };
    };
    const deployed = await reply();
    expect(deployed).toEqual({ content: SCRIPTED_ANSWER, reasoning: SCRIPTED_REASONING });

    // The file on disk now turns thinking off; nobody has run it.
    writeServeConfig(config, port, [{
      name: "app",
      models: [{ id: "m", source: model, engineKwargs: { default_chat_template_kwargs: { enable_thinking: false } } }],
    }]);
    const [victim] = recordedReplicaPids(home.path)["app/m"]!;
    process.kill(victim!, "SIGKILL");
    await waitFor("the killed replica to be back", async () => {
      const report = JSON.parse(String((await llmserve(["status", "--json"], home.path)).stdout));
      const list = report.applications.app.deployments["LLMServer:m"].replicas as { pid: number; state: string }[];
      return list.length === 1 && list[0]!.state === "RUNNING" && list[0]!.pid !== victim ? list : undefined;
    }, 60_000);
    expect(await reply()).toEqual(deployed);

    // Running the edited file is what deploys it: then the answer has no reasoning.
    expect((await llmserve(["run", config, "--non-blocking"], home.path)).exitCode).toBe(0);
    expect(await reply()).toEqual({ content: SCRIPTED_ANSWER, reasoning: undefined });
    expect((await llmserve(["shutdown", "-y"], home.path)).exitCode).toBe(0);
    expect(processesOfHome(home.path)).toEqual([]);
  }, 120_000);

  it("should bring back a replica killed with SIGKILL while the other keeps serving", async () => {
    const config = writeServeConfig(join(dir, "app.yaml"), port, [{ name: "app", models: [{ id: "m", source: model, replicas: 2 }] }]);
    expect((await llmserve(["run", config, "--non-blocking"], home.path)).exitCode).toBe(0);
    const [victim, survivor] = recordedReplicaPids(home.path)["app/m"]!;
    process.kill(victim!, "SIGKILL");
    for (let i = 0; i < 8; i++) expect(await ask("m")).toContain(SCRIPTED_ANSWER);
    const replicas = await waitFor("the killed replica to be back", async () => {
      const report = JSON.parse(String((await llmserve(["status", "--json"], home.path)).stdout));
      const list = report.applications.app.deployments["LLMServer:m"].replicas as { pid: number; state: string; restarts: number; last_error: string }[];
      return list.every((r) => r.state === "RUNNING") && list.some((r) => r.restarts === 1) ? list : undefined;
    }, 60_000);
    const restarted = replicas.find((r) => r.restarts === 1)!;
    expect(restarted.pid).not.toBe(victim);
    expect(restarted.last_error).toContain("SIGKILL");
    expect(replicas.map((r) => r.pid)).toContain(survivor);
    for (let i = 0; i < 4; i++) expect(await ask("m")).toContain(SCRIPTED_ANSWER);
    expect((await llmserve(["shutdown", "-y"], home.path)).exitCode).toBe(0);
    expect(processesOfHome(home.path)).toEqual([]);
  });

  it("should let exactly one of two simultaneous runs win and give the other a clear error", async () => {
    // Two different files (a run of the same file joins an instance that is deploying it). The model comes from a
    // local hub whose answer waits until one run has exited: the winner cannot become RUNNING before the loser has
    // tried, so the loser always meets either the state lock or an instance deploying another file (both "another
    // llmserve run"), however late the machine starts it.
    const bytes = readFileSync(model);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const hub = await startFileServer({
      files: {},
      routes: {
        "/acme/Scripted-GGUF/resolve/main/scripted.gguf": (_req, res) => {
          void gate.then(() => res.writeHead(200, { "content-length": String(bytes.length) }).end(bytes));
        },
      },
    });
    try {
      const source = "hf:acme/Scripted-GGUF/scripted.gguf";
      const envVars = { HF_ENDPOINT: `${hub.url}/` };
      const configs = ["m", "m2"].map((id) =>
        writeServeConfig(join(dir, `${id}.yaml`), port, [{ name: "app", models: [{ id, source, envVars }] }]));
      const runs = configs.map((config) => llmserve(["run", config, "--non-blocking"], home.path));
      await Promise.race(runs);
      release();
      const [a, b] = await Promise.all(runs);
      const codes = [a!.exitCode, b!.exitCode].sort();
      expect(codes, `${a!.stderr}\n${b!.stderr}`).toEqual([0, 1]);
      const winner = a!.exitCode === 0 ? "m" : "m2";
      const loser = a!.exitCode === 1 ? a! : b!;
      expect(loser.stderr).toMatch(/another llmserve run/);
      expect(await ask(winner)).toContain(SCRIPTED_ANSWER);
      expect(Object.keys(recordedReplicaPids(home.path))).toEqual([`app/${winner}`]);
      expect(recordedReplicaPids(home.path)[`app/${winner}`]).toHaveLength(1);
      expect((await llmserve(["shutdown", "-y"], home.path)).exitCode).toBe(0);
      expect(processesOfHome(home.path)).toEqual([]);
      expect(await portIsFree(port)).toBe(true);
    } finally {
      release();
      await hub.close();
    }
  });
});
