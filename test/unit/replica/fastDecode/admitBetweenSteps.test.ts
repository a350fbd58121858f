import { getLlama, type Llama, type LlamaContextSequence, type LlamaModel, type Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admitBetweenSteps } from "../../../../src/replica/engine/fastDecode/admitBetweenSteps.js";
import { alignDecodeSteps } from "../../../../src/replica/engine/fastDecode/alignDecodeSteps.js";
import { loadContextLock, type WithLock } from "../../../../src/replica/engine/fastDecode/loadContextLock.js";
import { ensureLoopModel } from "../../../models/ensureLoopModel.js";
import { LOOP_ALPHABET } from "../../../models/loopScript.js";

const LONG = 300;
const SHORT = 5;

async function generate(model: LlamaModel, sequence: LlamaContextSequence, tokens: Token[], count: number, onToken?: () => void): Promise<string> {
  let text = "";
  let generated = 0;
  for await (const token of sequence.evaluate(tokens, { temperature: 0 })) {
    text += model.detokenize([token]);
    onToken?.();
    if (++generated >= count) break;
  }
  return text;
}

/**
 * Long generations on three sequences; sequence B already served a request, so the next one must first drop B's
 * generated tokens. Returns B's second answer and how many tokens the first long one had generated when it arrived.
 */
async function secondRequestDuringLongOne(model: LlamaModel, withLock: WithLock | undefined) {
  const context = await model.createContext({ contextSize: 512, sequences: 4, threads: 1 });
  const sequences = Array.from({ length: 4 }, () => context.getSequence());
  let generating = 0;
  const othersGenerating = () => generating > 1;
  for (const sequence of sequences) alignDecodeSteps(sequence, othersGenerating);
  if (withLock !== undefined) expect(admitBetweenSteps(context, sequences, othersGenerating, withLock)).toBe(true);
  const [b, ...longOnes] = sequences as [LlamaContextSequence, ...LlamaContextSequence[]];
  const z = model.tokenize("z");
  const first = await generate(model, b, z, 10);
  let longTokens = 0;
  // Three long generations: as with a busy replica, some sequence is always queued for the next step.
  generating += longOnes.length;
  const longs = longOnes.map((sequence, index) =>
    generate(model, sequence, z, LONG, index === 0 ? () => longTokens++ : undefined).finally(() => generating--),
  );
  while (longTokens < 10) await new Promise((resolve) => setImmediate(resolve));
  generating++;
  // The replica's shape (generateText): the prompt is "z" + the first answer's first letter, the last token evaluated.
  const prompt = [...z, ...model.tokenize(first.slice(0, 1))];
  await b.adaptStateToTokens(prompt.slice(0, -1), false);
  const second = await generate(model, b, prompt.slice(-1), SHORT);
  const longTokensAtSecond = longTokens;
  generating--;
  const [longText] = await Promise.all(longs);
  await context.dispose();
  return { first, second, longText, longTokensAtSecond };
}

describe("admitBetweenSteps", () => {
  let llama: Llama;
  let model: LlamaModel;
  const alphabet = (start: number, length: number) =>
    Array.from({ length }, (_, index) => LOOP_ALPHABET[(start + index) % LOOP_ALPHABET.length]).join("");

  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: "never", logLevel: "error" as never });
    model = await llama.loadModel({ modelPath: ensureLoopModel() });
  });
  afterAll(async () => {
    await llama?.dispose();
  });

  it("should start a request on a reused sequence between the steps of a running generation, with unchanged output", async () => {
    const withLock = await loadContextLock();
    expect(withLock).toBeTypeOf("function");
    const stock = await secondRequestDuringLongOne(model, undefined);
    const admitted = await secondRequestDuringLongOne(model, withLock);
    for (const run of [stock, admitted]) {
      expect(run.first).toBe(alphabet(0, 10));
      expect(run.second).toBe(alphabet(1, SHORT));
      expect(run.longText).toBe(alphabet(0, LONG));
    }
    // node-llama-cpp's own path makes the new request wait for the running generations to end.
    expect(stock.longTokensAtSecond).toBe(LONG);
    expect(admitted.longTokensAtSecond).toBeLessThan(LONG / 2);
  });

  it("should leave sequences unchanged when node-llama-cpp's internals are not there", async () => {
    const withLock = await loadContextLock();
    expect(admitBetweenSteps({} as never, [{} as never], () => true, withLock!)).toBe(false);
  });
});
