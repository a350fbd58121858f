import { getLlama, type Llama, type LlamaContext, type LlamaModel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alignDecodeSteps } from "../../../../src/replica/engine/fastDecode/alignDecodeSteps.js";
import { ensureLoopModel } from "../../../models/ensureLoopModel.js";
import { LOOP_ALPHABET } from "../../../models/loopScript.js";

const STREAMS = 4;
const TOKENS = 40;

/** Counts llama_decode calls by wrapping node-llama-cpp's native context object (test-only instrumentation). */
function countDecodes(context: LlamaContext): () => number {
  const internals = context as unknown as { _ctx: Record<string | symbol, unknown> };
  const native = internals._ctx;
  let decodes = 0;
  internals._ctx = new Proxy(native, {
    get(target, property) {
      const value = target[property];
      if (typeof value !== "function") return value;
      if (property === "decodeBatch") {
        return (...args: unknown[]) => {
          decodes++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return () => decodes;
}

async function generateConcurrently(model: LlamaModel, align: boolean): Promise<{ decodes: number; texts: string[] }> {
  const context = await model.createContext({ contextSize: 256, sequences: STREAMS, threads: 1 });
  const decodes = countDecodes(context);
  const sequences = Array.from({ length: STREAMS }, () => context.getSequence());
  let generating = 0;
  if (align) for (const sequence of sequences) expect(alignDecodeSteps(sequence, () => generating > 1)).toBe(true);
  const texts = await Promise.all(
    sequences.map(async (sequence) => {
      generating++;
      let text = "";
      for await (const token of sequence.evaluate(model.tokenize("z"), { temperature: 0 })) {
        text += model.detokenize([token]);
        if (text.length >= TOKENS) break;
      }
      generating--;
      return text;
    }),
  );
  await context.dispose();
  return { decodes: decodes(), texts };
}

describe("alignDecodeSteps", () => {
  let llama: Llama;
  let model: LlamaModel;
  const expected = Array.from({ length: TOKENS }, (_, index) => LOOP_ALPHABET[index % LOOP_ALPHABET.length]).join("");

  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: "never", logLevel: "error" as never });
    model = await llama.loadModel({ modelPath: ensureLoopModel() });
  });
  afterAll(async () => {
    await llama?.dispose();
  });

  it("should decode every step of concurrent streams in one batch, with unchanged output", async () => {
    const stock = await generateConcurrently(model, false);
    const aligned = await generateConcurrently(model, true);
    expect(aligned.texts).toEqual(Array.from({ length: STREAMS }, () => expected));
    expect(stock.texts).toEqual(aligned.texts);
    // One decode for the prompts, then one per generated token for all streams together.
    expect(aligned.decodes).toBe(TOKENS);
    expect(stock.decodes).toBeGreaterThan(aligned.decodes);
  });

  it("should leave a sequence unchanged when node-llama-cpp's internals are not there", () => {
    const sequence = {} as never;
    expect(alignDecodeSteps(sequence, () => true)).toBe(false);
  });
});
