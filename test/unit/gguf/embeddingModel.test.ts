import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LlamaEmbeddingContext, LlamaModel } from "node-llama-cpp";
import { EMBEDDING_MODEL_DIMENSIONS, ensureEmbeddingModel } from "../../models/ensureEmbeddingModel.js";
import { loadTestModel } from "./loadTestModel.js";

describe("ensureEmbeddingModel", () => {
  let model: LlamaModel;
  let context: LlamaEmbeddingContext;
  beforeAll(async () => {
    model = await loadTestModel(ensureEmbeddingModel());
    context = await model.createEmbeddingContext({ contextSize: 256, batchSize: 256, threads: 1 });
  });
  afterAll(async () => {
    await context?.dispose();
    await model?.dispose();
  });

  it("should pool with mean: the same tokens in another order give the same vector", async () => {
    const xy = await context.getEmbeddingFor("xy");
    const yx = await context.getEmbeddingFor("yx");
    const xz = await context.getEmbeddingFor("xz");
    expect(model.tokenize("xy")).toHaveLength(2);
    expect(xy.calculateCosineSimilarity(yx)).toBeCloseTo(1, 5);
    expect(xy.calculateCosineSimilarity(xz)).toBeLessThan(0.99);
  });

  it("should give deterministic vectors that differ between texts", async () => {
    const first = await context.getEmbeddingFor("hello world");
    const again = await context.getEmbeddingFor("hello world");
    const other = await context.getEmbeddingFor("good night");
    expect(first.vector).toHaveLength(EMBEDDING_MODEL_DIMENSIONS);
    expect(first.vector.every(Number.isFinite)).toBe(true);
    expect(again.vector).toEqual(first.vector);
    expect(other.calculateCosineSimilarity(first)).toBeLessThan(0.9);
    expect(first.calculateCosineSimilarity(again)).toBeCloseTo(1, 6);
  });
});
