import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFastDecodeAddon } from "../../src/replica/engine/fastDecode/loadFastDecodeAddon.js";
import { ensureLoopModel } from "../models/ensureLoopModel.js";
import { LOOP_ALPHABET } from "../models/loopScript.js";
import { createTempHome } from "../helpers/cli.js";
import { cpuTimeMs } from "../helpers/procStats.js";
import { waitFor } from "../helpers/waitFor.js";
import { startReadyReplica, writeReplicaConfig, type ReplicaProcess } from "../helpers/startReplica.js";

const MODEL = "loop";
const TOKENS = 60;


describe("llmserve replica with 2 threads (fastDecode: persistent threadpool, native generation loop)", () => {
  const home = createTempHome();
  let replica: ReplicaProcess;
  let client: OpenAI;

  beforeAll(async () => {
    const config = writeReplicaConfig(home.path, { modelId: MODEL, source: ensureLoopModel(), engineKwargs: { max_num_seqs: 4 } });
    replica = await startReadyReplica(config, MODEL, { home: home.path, env: { LLMSERVE_THREADS: "2" } });
    client = new OpenAI({ baseURL: `${replica.baseUrl}/v1`, apiKey: "unused", maxRetries: 0 });
  });
  afterAll(async () => {
    await replica?.kill();
    home.remove();
  });

  it("should log which decode path it uses: the persistent pool and the native loop whenever the addon is built", async () => {
    // stderr and the ready event (stdout) are separate pipes: the log line may be read just after ready.
    const line = await waitFor("the decode path log line", () => replica.stderr.find((entry) => entry.includes("decode threadpool:")), 10_000);
    const addon = loadFastDecodeAddon();
    expect(line).toMatch(
      addon.ok
        ? /decode threadpool: persistent; generation: native loop$/
        : /decode threadpool: stock \(.+\); generation: node-llama-cpp \(.+\); decode steps: aligned/,
    );
  });

  it("should stream the same text to 4 concurrent clients as the model's script", async () => {
    const expected = Array.from({ length: TOKENS }, (_, index) => LOOP_ALPHABET[index % LOOP_ALPHABET.length]).join("");
    const texts = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const stream = await client.completions.create({ model: MODEL, prompt: "z", max_tokens: TOKENS, temperature: 0, stream: true });
        let text = "";
        for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
        return text;
      }),
    );
    expect(texts).toEqual([expected, expected, expected, expected]);
  });

  // ggml's idle pool workers would spin for new work for a long while after each request (well over 100 ms of CPU
  // with the default poll level); the generation loop puts the pool to sleep once nothing is left to decode.
  it.skipIf(!loadFastDecodeAddon().ok || process.platform !== "linux")("should use no CPU once its requests are done", async () => {
    await client.completions.create({ model: MODEL, prompt: "z", max_tokens: 8, temperature: 0 });
    const pid = replica.child.pid!;
    const before = cpuTimeMs(pid);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(cpuTimeMs(pid) - before).toBeLessThanOrEqual(30);
  });
});
