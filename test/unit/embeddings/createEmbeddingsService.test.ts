import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LlamaModel } from "node-llama-cpp";
import { createEmbeddingsService, type EmbeddingsService } from "../../../src/replica/embeddings/createEmbeddingsService.js";
import { EmbeddingsRequestError } from "../../../src/replica/embeddings/EmbeddingsRequestError.js";
import { ensureRandomTinyModel } from "../../models/ensureRandomTinyModel.js";
import { cpuLlama } from "../structured/grammarTestHelpers.js";

const norm = (vector: readonly number[]): number => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));

describe("createEmbeddingsService (real llama.cpp, CPU)", () => {
  let model: LlamaModel;
  let service: EmbeddingsService;
  let matryoshka: EmbeddingsService;
  beforeAll(async () => {
    model = await (await cpuLlama()).loadModel({ modelPath: ensureRandomTinyModel() });
    service = await createEmbeddingsService({ model, modelId: "tiny", concurrency: 2, contextSize: 64 });
    matryoshka = await createEmbeddingsService({ model, modelId: "tiny", concurrency: 1, contextSize: 64, matryoshka: true });
  });
  afterAll(async () => {
    await service?.dispose();
    await matryoshka?.dispose();
    await model?.dispose();
  });

  it("should embed a string into one L2-normalised vector of the model's width, with usage", async () => {
    const response = await service.embed({ model: "tiny", input: "The weather in Paris" });
    expect(response.object).toBe("list");
    expect(response.model).toBe("tiny");
    expect(response.data).toHaveLength(1);
    const [item] = response.data;
    expect(item?.object).toBe("embedding");
    expect(item?.index).toBe(0);
    const vector = item?.embedding as number[];
    expect(vector).toHaveLength(64);
    expect(service.dimensions).toBe(64);
    expect(norm(vector)).toBeCloseTo(1, 5);
    const tokens = model.tokenize("The weather in Paris").length;
    expect(response.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
  });

  it("should be deterministic and keep the order of a list processed concurrently", async () => {
    const inputs = ["alpha", "beta gamma", "delta", "alpha", "a much longer sentence about the weather"];
    const together = await service.embed({ input: inputs });
    const alone = await Promise.all(inputs.map((input) => service.embed({ input })));
    expect(together.data.map((item) => item.index)).toEqual([0, 1, 2, 3, 4]);
    together.data.forEach((item, index) => {
      const single = alone[index]?.data[0]?.embedding as number[];
      (item.embedding as number[]).forEach((value, at) => expect(value).toBeCloseTo(single[at] as number, 5));
    });
    expect(together.data[0]?.embedding).toEqual(together.data[3]?.embedding);
    expect(together.data[0]?.embedding).not.toEqual(together.data[1]?.embedding);
    expect(together.usage.prompt_tokens).toBe(inputs.reduce((sum, input) => sum + model.tokenize(input).length, 0));
  });

  it("should encode base64 as float32 little-endian bytes of the same vector, and accept token ids", async () => {
    const [asFloat, asBase64] = await Promise.all([
      service.embed({ input: "hello there" }),
      service.embed({ input: "hello there", encoding_format: "base64" }),
    ]);
    const bytes = Buffer.from(asBase64.data[0]?.embedding as string, "base64");
    const decoded = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    (asFloat.data[0]?.embedding as number[]).forEach((value, index) => expect(decoded[index]).toBeCloseTo(value, 6));
    const tokens = model.tokenize("hello there");
    const fromTokens = await service.embed({ input: tokens });
    (fromTokens.data[0]?.embedding as number[]).forEach((value, index) => expect(value).toBeCloseTo((asFloat.data[0]?.embedding as number[])[index] as number, 5));
  });

  it("should shorten to dimensions (and renormalise) only for a Matryoshka model", async () => {
    const response = await matryoshka.embed({ input: "hello", dimensions: 16 });
    expect(response.data[0]?.embedding).toHaveLength(16);
    expect(norm(response.data[0]?.embedding as number[])).toBeCloseTo(1, 5);
    await expect(service.embed({ input: "hello", dimensions: 16 })).rejects.toThrow(/dimensions is not supported/);
    await expect(matryoshka.embed({ input: "hello", dimensions: 65 })).rejects.toThrow(/at most 64/);
  });

  it("should refuse bad requests with 400s naming the field", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ input: "" }, "input", /input\[0\] is empty/],
      [{ input: [] }, "input", /non-empty/],
      [{ input: [1, "a"] }, "input", /non-empty/],
      [{ input: "x", encoding_format: "int8" }, "encoding_format", /"float" or "base64"/],
      [{ input: "x", dimensions: 0 }, "dimensions", /positive integer/],
      [{ input: "word ".repeat(200) }, "input", /tokens long; this model embeds at most 63/],
      [{ input: [999999] }, "input", /outside the vocabulary/],
    ];
    for (const [body, param, message] of cases) {
      const error = await service.embed(body).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(EmbeddingsRequestError);
      expect((error as EmbeddingsRequestError).param).toBe(param);
      expect((error as Error).message).toMatch(message);
    }
  });
});
