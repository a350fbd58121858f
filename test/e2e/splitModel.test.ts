import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ggufSplitPartName, splitGgufSpec } from "../gguf/splitGgufSpec.js";
import { encodeGguf } from "../gguf/writeGguf.js";
import {
  createControllerSandbox,
  llmserve,
  portIsFree,
  processesOfHome,
  removeControllerSandbox,
  writeServeConfig,
  type ControllerSandbox,
} from "../helpers/controllerHarness.js";
import { startHubServer } from "../helpers/startHubServer.js";
import { startReplica, writeReplicaConfig } from "../helpers/startReplica.js";
import { ensureRandomTinyModel, randomTinyModel } from "../models/ensureRandomTinyModel.js";

describe("a split GGUF from the hub, served through the controller", () => {
  let sandbox: ControllerSandbox;
  let hubCache: string;
  beforeEach(async () => {
    sandbox = await createControllerSandbox("split");
    hubCache = mkdtempSync(join(tmpdir(), "llmserve-e2e-split-hub-"));
  });
  afterEach(() => {
    removeControllerSandbox(sandbox);
    rmSync(hubCache, { recursive: true, force: true });
  });

  it("should download all 3 parts of hf:owner/repo:QUANT and answer exactly as the unsplit model with the same weights", async () => {
    const commit = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
    const parts = splitGgufSpec(randomTinyModel(), { parts: 3 }).map(encodeGguf);
    const files = Object.fromEntries(parts.map((bytes, index) => [ggufSplitPartName("Tiny-F32", index, 3), bytes]));
    const hub = await startHubServer({ "acme/Tiny-GGUF": { commit, files } });
    try {
      const { home, dir, port } = sandbox;
      const envVars = { HF_ENDPOINT: `${hub.url}/`, LLAMA_CACHE: hubCache };
      const config = writeServeConfig(join(dir, "split.yaml"), port, [
        {
          name: "app",
          models: [
            { id: "split", source: "hf:acme/Tiny-GGUF:F32", envVars },
            { id: "whole", source: ensureRandomTinyModel() },
          ],
        },
      ]);
      const run = await llmserve(["run", config, "--non-blocking"], home.path);
      expect(run.exitCode, String(run.stderr)).toBe(0);
      const snapshot = join(hubCache, "models--acme--Tiny-GGUF", "snapshots", commit);
      expect(readdirSync(snapshot).sort()).toEqual(Object.keys(files));
      expect(hub.requests.filter((request) => request.path.includes("/resolve/"))).toHaveLength(3);

      const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "unused", maxRetries: 0 });
      const ask = async (model: string) => {
        const chat = await client.chat.completions.create({
          model,
          messages: [{ role: "user", content: "Tell me a story" }],
          temperature: 0,
          max_tokens: 24,
        });
        const completion = await client.completions.create({ model, prompt: "Once upon a time", temperature: 0, max_tokens: 24 });
        return { chat: chat.choices[0]!.message, chatUsage: chat.usage, completion: completion.choices[0]!.text, completionUsage: completion.usage };
      };
      const whole = await ask("whole");
      expect(whole.completionUsage?.completion_tokens).toBe(24);
      expect(whole.completion.length).toBeGreaterThan(0);
      expect(await ask("split")).toEqual(whole);

      expect((await llmserve(["shutdown", "-y"], home.path)).exitCode).toBe(0);
      expect(processesOfHome(home.path)).toEqual([]);
      expect(await portIsFree(port)).toBe(true);
    } finally {
      await hub.close();
    }
  });

  it("should fail a replica of a local split model at once when a part is missing or a later part is given, saying which", async () => {
    const { home } = sandbox;
    const names = [0, 1, 2].map((index) => ggufSplitPartName(join(sandbox.dir, "Local-F32"), index, 3));
    splitGgufSpec(randomTinyModel(), { parts: 3 }).forEach((part, index) => index !== 1 && writeFileSync(names[index]!, encodeGguf(part)));
    const cases: [string, string, string][] = [
      ["missing", names[0]!, `${names[0]!} is not a valid GGUF: part 2 of 3 is missing: ${names[1]!}`],
      ["later", names[2]!, `${names[2]!} is not a valid GGUF: it is part 3 of 3 of a split model: load the first part (Local-F32-00001-of-00003.gguf)`],
    ];
    for (const [modelId, source, reason] of cases) {
      const replica = startReplica(writeReplicaConfig(home.path, { modelId, source }), modelId, { home: home.path });
      try {
        const failed = await replica.waitForEvent((event) => event["event"] === "failed");
        expect(failed["reason"]).toBe(reason);
        expect(await replica.exited).toBe(1);
      } finally {
        await replica.kill();
      }
    }
  });
});
