import { getLlama, type BatchItem, type Llama, type LlamaContext, type LlamaModel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fairShare, sequenceOrderedBatching } from "../../../../src/replica/engine/fastDecode/sequenceOrderedBatching.js";
import { ensureLoopModel } from "../../../models/ensureLoopModel.js";

const item = (tokens: number): BatchItem => ({ tokens: Array.from({ length: tokens }, () => 1) as never, logits: [], evaluationPriority: 5 });

/** The sequence ids of each decode batch, in batch order (test-only instrumentation of node-llama-cpp's native context). */
function recordBatches(context: LlamaContext): number[][] {
  const internals = context as unknown as { _ctx: Record<string | symbol, unknown> };
  const native = internals._ctx;
  const batches: number[][] = [];
  let current: number[] = [];
  internals._ctx = new Proxy(native, {
    get(target, property) {
      const value = target[property];
      if (typeof value !== "function") return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (property === "addToBatch") return (...args: unknown[]) => (current.push(args[0] as number), fn.apply(target, args));
      if (property === "decodeBatch") return (...args: unknown[]) => (batches.push(current), (current = []), fn.apply(target, args));
      return fn.bind(target);
    },
  });
  return batches;
}

async function runReversed(model: LlamaModel, env: NodeJS.ProcessEnv): Promise<number[][]> {
  const batching = sequenceOrderedBatching(env);
  const context = await model.createContext({ contextSize: 128, sequences: 4, threads: 1, batching: batching.options });
  batching.bind(context);
  const batches = recordBatches(context);
  const sequences = Array.from({ length: 4 }, () => context.getSequence());
  await Promise.all(
    [...sequences].reverse().map(async (sequence) => {
      let count = 0;
      for await (const _token of sequence.evaluate(model.tokenize("z"), { temperature: 0 })) if (++count >= 3) break;
    }),
  );
  await context.dispose();
  return batches;
}

describe("sequenceOrderedBatching", () => {
  let llama: Llama;
  let model: LlamaModel;

  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: "never", logLevel: "error" as never });
    model = await llama.loadModel({ modelPath: ensureLoopModel() });
  });
  afterAll(async () => {
    await llama?.dispose();
  });

  it("should give each item an equal share of the batch and the unused part to the others", () => {
    const items = [item(1), item(100), item(3), item(100)];
    expect(fairShare(items, 16).map((entry) => entry.processAmount)).toEqual([1, 6, 3, 6]);
    expect(fairShare(items, 512).map((entry) => entry.processAmount)).toEqual([1, 100, 3, 100]);
    expect(fairShare([item(10), item(10), item(10)], 2).map((entry) => entry.item.tokens.length)).toEqual([10, 10]);
  });

  it("should put every decode batch in ascending sequence order, where node-llama-cpp keeps queue order", async () => {
    const ordered = await runReversed(model, {});
    expect(ordered.length).toBeGreaterThan(0);
    for (const batch of ordered) expect(batch).toEqual([...batch].sort((a, b) => a - b));
    expect(ordered[0]).toEqual([0, 1, 2, 3]);

    const stock = await runReversed(model, { LLMSERVE_FAST_DECODE: "off" });
    expect(stock[0]).toEqual([3, 2, 1, 0]);
  });
});
