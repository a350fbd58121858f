import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import OpenAI from "openai";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ensureLoopModel } from "../models/ensureLoopModel.js";
import { ensureScriptedReasoningModel } from "../models/ensureScriptedReasoningModel.js";
import { SCRIPTED_REASONING, SCRIPTED_THINK_ON_TEXT } from "../models/scriptedReasoningScript.js";
import { createTempHome, LLMSERVE_BIN, REPO_ROOT } from "../helpers/cli.js";
import { startFileServer, type FileServer } from "../helpers/startFileServer.js";
import { startReplica, startServingReplica, writeReplicaConfig, type ReplicaProcess } from "../helpers/startReplica.js";
import { waitFor } from "../helpers/waitFor.js";

/** Running (a zombie left for a non-reaping init counts as gone). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function processGroupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("llmserve replica lifecycle: downloads, failures, shutdown", () => {
  const home = createTempHome();
  const replicas: ReplicaProcess[] = [];
  let server: FileServer | undefined;
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((replica) => replica.kill()));
    await server?.close();
    server = undefined;
  });
  afterAll(() => home.remove());

  it("should download an hf: model from HF_ENDPOINT with the token, report progress, answer 503 while downloading, then serve", async () => {
    const model = readFileSync(ensureScriptedReasoningModel());
    server = await startFileServer({ files: { "/acme/Scripted-GGUF/resolve/main/scripted.gguf": model }, token: "hf_test_token", chunkDelayMs: 150 });
    const config = writeReplicaConfig(home.path, {
      modelId: "downloaded",
      source: "hf:acme/Scripted-GGUF/scripted.gguf",
      envVars: { HF_ENDPOINT: `${server.url}/`, HF_TOKEN: "hf_test_token" },
    });
    const replica = startReplica(config, "downloaded", { home: home.path });
    replicas.push(replica);
    const listening = await replica.waitForEvent((event) => event["event"] === "listening");
    await replica.waitForEvent((event) => event["phase"] === "downloading");
    const during = await fetch(`http://127.0.0.1:${String(listening["port"])}/health`);
    expect(during.status).toBe(503);
    const body = (await during.json()) as Record<string, unknown>;
    expect(body["status"]).toBe("downloading");
    expect(String(body["reason"])).toMatch(/downloading/);
    await replica.waitForEvent((event) => event["event"] === "ready");
    const downloads = replica.events.filter((event) => event["phase"] === "downloading");
    expect(downloads.at(-1)).toMatchObject({ downloadedBytes: model.length, totalBytes: model.length });
    expect(downloads.length).toBeGreaterThan(1);
    // The token was only sent after the anonymous try was refused, and never appears in the output.
    expect(server.requests.some((request) => request.authorized)).toBe(true);
    expect(JSON.stringify(replica.events) + replica.stderr.join("\n")).not.toContain("hf_test_token");

    // Without a reasoning parser the raw text, tags included, is the content.
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${String(listening["port"])}/v1`, apiKey: "unused", maxRetries: 0 });
    const response = await client.chat.completions.create({ model: "downloaded", messages: [{ role: "user", content: "hello" }] });
    expect(response.choices[0]!.message.content).toBe(SCRIPTED_THINK_ON_TEXT);
    expect(response.choices[0]!.message).not.toHaveProperty("reasoning");
  });

  it("should download once when two replicas of a model start on a lock left by a crashed one", async () => {
    const model = readFileSync(ensureScriptedReasoningModel());
    const file = "/acme/Raced-GGUF/resolve/main/scripted.gguf";
    server = await startFileServer({ files: { [file]: model }, chunkDelayMs: 20 });
    const lock = join(home.path, "models", "hf", "acme", "Raced-GGUF", "scripted.gguf.lock");
    mkdirSync(dirname(lock), { recursive: true });
    const crashed = spawnSync(process.execPath, ["-e", ""]).pid;
    writeFileSync(lock, JSON.stringify({ pid: crashed, startTime: "old-boot/1", createdAt: 0 }));
    const config = writeReplicaConfig(home.path, {
      modelId: "raced",
      source: "hf:acme/Raced-GGUF/scripted.gguf",
      envVars: { HF_ENDPOINT: `${server.url}/` },
    });
    const racing = [startReplica(config, "raced", { home: home.path }), startReplica(config, "raced", { home: home.path })];
    replicas.push(...racing);
    await Promise.all(racing.map((replica) => replica.waitForEvent((event) => event["event"] === "ready")));
    expect(server.requests.filter((request) => request.path === file)).toHaveLength(1);
    expect(existsSync(lock)).toBe(false);
  });

  it("should put the reasoning only into `reasoning` with engine_kwargs.reasoning_field reasoning", async () => {
    const { replica, client } = await startServingReplica(home.path, {
      modelId: "only-reasoning",
      source: ensureScriptedReasoningModel(),
      engineKwargs: { reasoning_parser: "deepseek_r1", reasoning_field: "reasoning" },
    });
    replicas.push(replica);
    const response = await client.chat.completions.create({ model: "only-reasoning", messages: [{ role: "user", content: "hello" }] });
    const message = response.choices[0]!.message as unknown as Record<string, unknown>;
    expect(message["reasoning"]).toBe(`\n${SCRIPTED_REASONING}\n`);
    expect(message).not.toHaveProperty("reasoning_content");
  });

  it("should refuse each corrupt GGUF within a second of starting, naming what is wrong, and leave no process", async () => {
    const whole = readFileSync(ensureScriptedReasoningModel());
    const withVersion = Buffer.from(whole);
    withVersion.writeUInt32LE(7, 4);
    const withAbsurdCounts = Buffer.from(whole);
    withAbsurdCounts.writeBigUInt64LE(1n << 62n, 8);
    withAbsurdCounts.writeBigUInt64LE(1n << 62n, 16);
    const cut = Math.floor(whole.length * 0.6);
    const cases: [string, Buffer, RegExp][] = [
      ["text", Buffer.from("this is plain text, not a model\n"), /expected the magic "GGUF" at byte 0, found "this"/],
      ["truncated", whole.subarray(0, cut), new RegExp(`truncated at byte ${cut} of ${whole.length}: tensor data past the end of the file`)],
      ["version", withVersion, /unknown GGUF version 7/],
      ["counts", withAbsurdCounts, /absurd counts: it declares 4611686018427387904 tensors and 4611686018427387904 metadata entries/],
    ];
    await Promise.all(
      cases.map(async ([name, bytes, reason]) => {
        const path = join(home.path, `${name}.gguf`);
        writeFileSync(path, bytes);
        const replica = startReplica(writeReplicaConfig(home.path, { modelId: name, source: path }), name, { home: home.path });
        replicas.push(replica);
        await replica.waitForEvent((event) => event["event"] === "listening");
        const listeningAt = performance.now();
        const failed = await replica.waitForEvent((event) => event["event"] === "failed");
        expect(performance.now() - listeningAt).toBeLessThan(1_000);
        expect(String(failed["reason"])).toMatch(new RegExp(`^${path.replaceAll(".", "\\.")} is not a valid GGUF: ${reason.source}`));
        expect(await replica.exited).toBe(1);
        expect(processGroupExists(replica.child.pid!)).toBe(false);
      }),
    );
  });

  it("should fail with exit 1 when the config does not have the model", async () => {
    const config = writeReplicaConfig(home.path, { modelId: "present", source: ensureLoopModel() });
    const replica = startReplica(config, "absent", { home: home.path });
    replicas.push(replica);
    const failed = await replica.waitForEvent((event) => event["event"] === "failed");
    expect(String(failed["reason"])).toMatch(/no llm_config with model_id "absent"/);
    expect(await replica.exited).toBe(1);
  });

  it("should finish the request in flight on SIGTERM, refuse new ones, and exit 0", async () => {
    const { replica, client } = await startServingReplica(home.path, {
      modelId: "loop",
      source: ensureLoopModel(),
      engineKwargs: { max_model_len: 8192, max_num_seqs: 2 },
    });
    replicas.push(replica);
    const stream = await client.completions.create({ model: "loop", prompt: "z", max_tokens: 8000, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    process.kill(replica.child.pid!, "SIGTERM");
    let text = "";
    let finish: string | null = null;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      text += next.value.choices[0]?.text ?? "";
      finish = next.value.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe("length");
    expect(text.length).toBeGreaterThan(7000);
    expect(await replica.exited).toBe(0);
  });

  it("should exit by itself when the process that started it is gone", async () => {
    const config = writeReplicaConfig(home.path, { modelId: "orphan", source: ensureLoopModel() });
    // A parent that starts the replica (telling it its pid, as the controller does), prints the replica's pid, and
    // is SIGKILLed at once: possibly before the replica has even finished starting.
    const script = `
      const { spawn } = require("node:child_process");
      const child = spawn(process.execPath, [${JSON.stringify(LLMSERVE_BIN)}, "replica", "--config", ${JSON.stringify(config)}, "--model", "orphan", "--port", "0"],
        { stdio: ["ignore", "ignore", "ignore"], env: { ...process.env, LLMSERVE_HOME: ${JSON.stringify(home.path)}, LLMSERVE_THREADS: "1", LLMSERVE_PARENT_PID: String(process.pid) } });
      console.log(child.pid);
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ["-e", script], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] });
    const pid = await new Promise<number>((resolve) => parent.stdout.once("data", (data: Buffer) => resolve(Number(data.toString().trim()))));
    await waitFor("the orphan to start", () => isAlive(pid), 5_000, 50);
    parent.kill("SIGKILL");
    await waitFor("the orphan to exit", () => !isAlive(pid), 10_000, 50).catch((error: unknown) => {
      process.kill(pid, "SIGKILL");
      throw error;
    });
  });
});
