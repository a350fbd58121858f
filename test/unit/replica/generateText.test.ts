import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LlamaContext, LlamaModel } from "node-llama-cpp";
import { generateText } from "../../../src/replica/engine/generateText.js";
import { createConstrainedSampling } from "../../../src/replica/structured/createConstrainedSampling.js";
import { resolveStructuredOutput } from "../../../src/replica/structured/resolveStructuredOutput.js";
import { ensureRandomTinyModel } from "../../models/ensureRandomTinyModel.js";
import { cpuLlama } from "../structured/grammarTestHelpers.js";

// The random model's vocabulary has no merged token for any non-ASCII text: a grammar that forces these characters
// makes the model emit them one byte token at a time (2, 3 and 4 tokens per character, a flag is two 4-byte ones).
const TEXT = "a é漢字😀🇫🇷!";

describe("generateText incremental detokenization (real llama.cpp, random model)", () => {
  let model: LlamaModel;
  let context: LlamaContext;
  beforeAll(async () => {
    model = await (await cpuLlama()).loadModel({ modelPath: ensureRandomTinyModel() });
    context = await model.createContext({ contextSize: 512, threads: 1, sequences: 1 });
  });
  afterAll(async () => {
    await context?.dispose();
    await model?.dispose();
  });

  const generate = async (choice: string, maxTokens: number, stop: readonly string[] = []) => {
    const plan = resolveStructuredOutput({ guided_choice: [choice] })!;
    const constrained = await createConstrainedSampling({ llama: await cpuLlama(), model, grammar: plan.grammar, reasoning: undefined });
    const sequence = context.getSequence();
    const deltas: string[] = [];
    try {
      const result = await generateText({
        sequence, model, promptTokens: model.tokenize("Say it:"), maxTokens, sampling: { temperature: 1, seed: 3 },
        defaultSeed: undefined, stop, signal: new AbortController().signal, onText: (delta) => void deltas.push(delta),
        grammarEvaluationState: constrained.grammarEvaluationState, bannedAfter: constrained.bannedAfter, onPiece: constrained.onText,
      });
      return { ...result, deltas };
    } finally {
      sequence.dispose();
    }
  };

  it("should hold back a character split over several tokens and emit it whole, once", async () => {
    const result = await generate(TEXT, 100);
    const bytes = Buffer.byteLength(TEXT, "utf8");
    expect(result.completionTokens).toBe(bytes + 1); // one token per byte, then end-of-generation: really split
    expect(result.text).toBe(TEXT);
    expect(result.deltas.join("")).toBe(TEXT);
    expect(result.deltas.filter((delta) => delta.includes("\uFFFD"))).toEqual([]);
    // every delta is one whole character (flag halves are regional indicators, each a character of its own)
    expect(result.deltas).toEqual([..."a é漢字😀🇫🇷!"]);
  });

  it("should cut a stop string that follows a split character without breaking the character", async () => {
    const result = await generate("漢字😀STOP tail", 100, ["STOP"]);
    expect(result.text).toBe("漢字😀");
    expect(result.deltas.join("")).toBe("漢字😀");
    expect(result.finishReason).toBe("stop");
  });

  it("should give the bytes it has when max_tokens ends inside a character (one U+FFFD for the incomplete character)", async () => {
    const result = await generate("é😀", 4); // 2 bytes of é, then 2 of the 4 bytes of 😀
    expect(result.finishReason).toBe("length");
    expect(result.text).toBe("é\uFFFD");
    expect(result.deltas).toEqual(["é", "\uFFFD"]);
  });
});
