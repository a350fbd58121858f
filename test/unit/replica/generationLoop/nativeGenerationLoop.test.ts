import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { LlamaContext, LlamaModel, Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestAbortedError } from "../../../../src/replica/errors/RequestAbortedError.js";
import { attachPersistentThreadpool } from "../../../../src/replica/engine/fastDecode/attachPersistentThreadpool.js";
import { loadFastDecodeAddon } from "../../../../src/replica/engine/fastDecode/loadFastDecodeAddon.js";
import { generateText, type GenerateTextOptions } from "../../../../src/replica/engine/generateText.js";
import type { GenerationSequence } from "../../../../src/replica/engine/GenerationSequence.js";
import { startGenerationLoop } from "../../../../src/replica/engine/generationLoop/startGenerationLoop.js";
import { createConstrainedSampling } from "../../../../src/replica/structured/createConstrainedSampling.js";
import { resolveStructuredOutput } from "../../../../src/replica/structured/resolveStructuredOutput.js";
import { ensureLoopModel } from "../../../models/ensureLoopModel.js";
import { ensureRandomTinyModel } from "../../../models/ensureRandomTinyModel.js";
import { LOOP_ALPHABET } from "../../../models/loopScript.js";
import { qwen3ChatTemplate } from "../../../models/qwen3ChatTemplate.js";
import { cpuTimeMs, threadIds } from "../../../helpers/procStats.js";
import { renderChatTemplate } from "../../../helpers/renderChatTemplate.js";
import { cpuLlama } from "../../structured/grammarTestHelpers.js";
import { PERSON_SCHEMA } from "../../structured/pydanticSchemas.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
// What `npm install` runs (postinstall); a no-op when the addon is up to date. Without a compiler there is no loop.
execFileSync(process.execPath, ["scripts/buildFastDecode.mjs", "--quiet"], { cwd: root });
const addonBuilt = loadFastDecodeAddon().ok;

interface Engines {
  context: LlamaContext;
  /** Sequences of llmserve's native generation loop. */
  native: readonly GenerationSequence[];
  close(): Promise<void>;
}

async function nativeEngine(model: LlamaModel, sequences: number): Promise<Engines> {
  const context = await model.createContext({ contextSize: 1024, threads: 1, sequences });
  const loop = startGenerationLoop(context, model, { sequences, env: {} });
  if (!loop.ok) throw new Error(loop.reason);
  return {
    context,
    native: loop.sequences,
    close: async () => {
      loop.close();
      await context.dispose();
    },
  };
}

/** node-llama-cpp's own loop on a fresh context: the reference the native loop must match token for token. */
async function withStockSequence<T>(model: LlamaModel, use: (sequence: GenerationSequence) => Promise<T>): Promise<T> {
  const context = await model.createContext({ contextSize: 1024, threads: 1, sequences: 1 });
  try {
    return await use(context.getSequence());
  } finally {
    await context.dispose();
  }
}

type Request = Omit<GenerateTextOptions, "sequence" | "model" | "signal"> & { signal?: AbortSignal };

function generate(model: LlamaModel, sequence: GenerationSequence, request: Request) {
  return generateText({ signal: new AbortController().signal, ...request, sequence, model });
}

describe.skipIf(!addonBuilt)("native generation loop (real llama.cpp, CPU)", () => {
  let random: LlamaModel;
  let loopModel: LlamaModel;
  let engines: Engines;
  let loopEngines: Engines;

  beforeAll(async () => {
    const llama = await cpuLlama();
    random = await llama.loadModel({ modelPath: ensureRandomTinyModel() });
    loopModel = await llama.loadModel({ modelPath: ensureLoopModel() });
    engines = await nativeEngine(random, 4);
    loopEngines = await nativeEngine(loopModel, 4);
  });
  afterAll(async () => {
    await engines?.close();
    await loopEngines?.close();
    await random?.dispose();
    await loopModel?.dispose();
  });

  it("should sample exactly what node-llama-cpp samples: seeds, top-k/top-p/min-p, penalties and logit bias", async () => {
    const prompt = random.tokenize("Once upon a time", true);
    const requests: Request[] = [
      { promptTokens: prompt, maxTokens: 40, sampling: { temperature: 0 }, defaultSeed: undefined, stop: [] },
      ...[1, 2, 3].map((seed): Request => ({
        promptTokens: prompt, maxTokens: 40, sampling: { temperature: 0.9, seed }, defaultSeed: undefined, stop: [],
      })),
      {
        promptTokens: prompt, maxTokens: 40, defaultSeed: undefined, stop: [],
        sampling: { temperature: 1.2, topK: 20, topP: 0.9, minP: 0.02, seed: 11, presencePenalty: 0.6, frequencyPenalty: 0.4, repetitionPenalty: 1.3 },
      },
      {
        promptTokens: prompt, maxTokens: 40, defaultSeed: undefined, stop: [],
        sampling: { temperature: 0.7, seed: 5, logitBias: { "40": 8, "41": -100, "42": 5 } },
      },
    ];
    for (const request of requests) {
      const expected = await withStockSequence(random, (sequence) => generate(random, sequence, request));
      const actual = await generate(random, engines.native[0]!, request);
      expect(actual, JSON.stringify(request.sampling)).toEqual(expected);
    }
  });

  it("should apply a grammar that switches per token (lockstep) exactly as node-llama-cpp does", async () => {
    const plan = resolveStructuredOutput({ response_format: { type: "json_schema", json_schema: { name: "Person", schema: PERSON_SCHEMA, strict: true } } })!;
    const prompt = random.tokenize(renderChatTemplate(qwen3ChatTemplate, { messages: [{ role: "user", content: "JSON" }], enable_thinking: false }), true);
    for (const seed of [1, 2, 6]) {
      const run = async (sequence: GenerationSequence) => {
        const constrained = await createConstrainedSampling({ llama: await cpuLlama(), model: random, grammar: plan.grammar, reasoning: undefined });
        return generate(random, sequence, {
          promptTokens: prompt, maxTokens: 300, sampling: { temperature: 1, seed }, defaultSeed: undefined, stop: [],
          grammarEvaluationState: constrained.grammarEvaluationState, bannedAfter: constrained.bannedAfter, onPiece: constrained.onText,
        });
      };
      const expected = await withStockSequence(random, run);
      const actual = await run(engines.native[1]!);
      expect(actual).toEqual(expected);
      expect(plan.validate!(actual.text)).toMatchObject({ ok: true });
    }
  });

  it("should re-use a sequence's cached prefix and still answer as a fresh sequence does", async () => {
    const sequence = engines.native[2]!;
    const first = random.tokenize("The cat sat on the mat and", true);
    const request = (promptTokens: Token[]): Request => ({ promptTokens, maxTokens: 12, sampling: { temperature: 0 }, defaultSeed: undefined, stop: [] });
    const answer = await generate(random, sequence, request(first));
    const followUp = [...first, ...random.tokenize(answer.text, false), ...random.tokenize(" then", false)];
    await sequence.adaptStateToTokens(followUp.slice(0, -1));
    expect(sequence.nextTokenIndex).toBeGreaterThanOrEqual(first.length);
    const reused = await generate(random, sequence, request(followUp));
    const fresh = await withStockSequence(random, (stock) => generate(random, stock, request(followUp)));
    expect(reused).toEqual(fresh);
  });

  it("should run concurrent generations in shared steps, stop each at its own limit and stop string, and keep the sequences usable", async () => {
    const expected = (length: number) => Array.from({ length }, (_, index) => LOOP_ALPHABET[index % LOOP_ALPHABET.length]).join("");
    const prompt = loopModel.tokenize("z");
    const limits = [5, 60, 17, 200];
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(limits.map((maxTokens, index) =>
        generate(loopModel, loopEngines.native[index]!, { promptTokens: prompt, maxTokens, sampling: { temperature: 0 }, defaultSeed: undefined, stop: [] })));
      expect(results.map((result) => result.text)).toEqual(limits.map(expected));
      expect(results.map((result) => result.finishReason)).toEqual(["length", "length", "length", "length"]);
    }
    const stopAt = LOOP_ALPHABET.slice(3, 5).join("");
    const stopped = await generate(loopModel, loopEngines.native[0]!, { promptTokens: prompt, maxTokens: 100, sampling: { temperature: 0 }, defaultSeed: undefined, stop: [stopAt] });
    expect(stopped).toMatchObject({ text: LOOP_ALPHABET.slice(0, 3).join(""), finishReason: "stop" });
  });

  it("should end a generation when its request is aborted, also while it is paused for a slow reader, and free the sequence", async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const controller = new AbortController();
      let received = 0;
      const aborted = generate(loopModel, loopEngines.native[3]!, {
        promptTokens: loopModel.tokenize("z"), maxTokens: 900, sampling: { temperature: 0 }, defaultSeed: undefined, stop: [],
        signal: controller.signal,
        // A slow client: the loop runs ahead and gets paused (32 unread tokens) before the abort.
        onText: () => {
          if (++received === 50) controller.abort();
          return new Promise<void>((resolve) => setTimeout(resolve, 1));
        },
      });
      await expect(aborted).rejects.toBeInstanceOf(RequestAbortedError);
    }
    const next = await generate(loopModel, loopEngines.native[3]!, { promptTokens: loopModel.tokenize("z"), maxTokens: 3, sampling: { temperature: 0 }, defaultSeed: undefined, stop: [] });
    expect(next.text).toBe(LOOP_ALPHABET.slice(0, 3).join(""));
  });

  it("should keep the process alive while it generates (node-llama-cpp frees the context when Node exits)", () => {
    // Nothing but the generation keeps this child's event loop busy: before the loop held it, Node exited under the
    // running decode and node-llama-cpp's exit hook freed the context (a use-after-free found with AddressSanitizer).
    const script = `
      import { getLlama } from ${JSON.stringify(pathToFileURL(path.join(root, "node_modules/node-llama-cpp/dist/index.js")).href)};
      import { startGenerationLoop } from ${JSON.stringify(pathToFileURL(path.join(root, "dist/replica/engine/generationLoop/startGenerationLoop.js")).href)};
      const llama = await getLlama({ gpu: false, build: "never", logLevel: "error" });
      const model = await llama.loadModel({ modelPath: ${JSON.stringify(ensureLoopModel())} });
      const context = await model.createContext({ contextSize: 512, sequences: 2, threads: 1 });
      const loop = startGenerationLoop(context, model, { sequences: 2, env: {} });
      if (!loop.ok) throw new Error(loop.reason);
      let text = "";
      for await (const token of loop.sequences[0].evaluate(model.tokenize("z"), { temperature: 0, maxTokens: 300 })) text += model.detokenize([token]);
      loop.close();
      console.log("generated " + text.length);
    `;
    // A file, not `node -e`: node-llama-cpp tests its binary in a child started with this process's arguments.
    const dir = mkdtempSync(path.join(os.tmpdir(), "llmserve-loop-alive-"));
    try {
      writeFileSync(path.join(dir, "alive.mjs"), script);
      const output = execFileSync(process.execPath, [path.join(dir, "alive.mjs")], { cwd: root, encoding: "utf8" });
      expect(output.trim()).toBe("generated 300");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // ggml's idle pool workers spin for new work (poll 100: 13 million rounds, well over 100 ms on any CPU) on cores
  // that the HTTP side needs right after the last token; the loop pauses the pool instead.
  it("should put the context's threadpool to sleep once it has nothing left to decode", async () => {
    const spinAfterGeneration = async (pauseWhenIdle: boolean): Promise<number> => {
      const context = await loopModel.createContext({ contextSize: 256, threads: 2, sequences: 1 });
      const before = threadIds();
      const pool = attachPersistentThreadpool(context, loopModel, { threads: 2, sequences: 1, poll: 100, env: {} });
      expect(pool.kind).toBe("persistent");
      const [worker] = [...threadIds()].filter((tid) => !before.has(tid));
      const loop = startGenerationLoop(context, loopModel, { sequences: 1, threadpool: pauseWhenIdle ? pool.handle : undefined, env: {} });
      if (!loop.ok) throw new Error(loop.reason);
      try {
        const result = await generate(loopModel, loop.sequences[0]!, {
          promptTokens: loopModel.tokenize("z"), maxTokens: 12, sampling: { temperature: 0 }, defaultSeed: undefined, stop: [],
        });
        expect(result.text).toBe(LOOP_ALPHABET.slice(0, 12).join(""));
        const before = cpuTimeMs("self", worker);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return cpuTimeMs("self", worker) - before;
      } finally {
        loop.close();
        await context.dispose();
        pool.release();
      }
    };
    expect(await spinAfterGeneration(false)).toBeGreaterThanOrEqual(30);
    expect(await spinAfterGeneration(true)).toBeLessThanOrEqual(20);
  });

  it("should fail a running generation when the loop is closed, without hanging", async () => {
    const own = await nativeEngine(loopModel, 1);
    let tokens = 0;
    const running = generate(loopModel, own.native[0]!, {
      promptTokens: loopModel.tokenize("z"), maxTokens: 1_000_000, sampling: { temperature: 0 }, defaultSeed: undefined, stop: [],
      onText: () => {
        if (++tokens === 20) void own.close();
      },
    });
    await expect(running).rejects.toThrow(/shut down/);
  });
});
