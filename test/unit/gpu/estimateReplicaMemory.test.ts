import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkMemoryFit } from "../../../src/gpu/checkMemoryFit.js";
import { estimateMemoryFromInsights, estimateReplicaMemory, type MemoryEstimateInsights } from "../../../src/gpu/estimateReplicaMemory.js";
import { parseNvidiaSmiCsv } from "../../../src/gpu/parseNvidiaSmiCsv.js";
import { A100_40G_X8 } from "./nvidiaSmiSamples.js";
import type { GgufTensor } from "../../gguf/GgufTensor.js";
import { writeGguf } from "../../gguf/writeGguf.js";
import { decoderMetadata } from "../../models/decoderMetadata.js";
import { qwen3ChatTemplate } from "../../models/qwen3ChatTemplate.js";
import { scriptedVocabulary } from "../../models/scriptedVocabulary.js";

const GIB = 1024 ** 3;

type LlamaShape = { layers: number; embedding: number; feedForward: number; heads: number; kvHeads: number; contextLength: number };

/**
 * A llama GGUF of the given shape with zeroed f32 weights (the estimate reads only the header), written by the
 * project's GGUF writer. Returns the bytes of tensor data.
 */
function writeZeroLlamaGguf(path: string, shape: LlamaShape): { tensorBytes: number } {
  const vocabulary = scriptedVocabulary();
  const { layers, embedding: e, feedForward: ff, heads, kvHeads } = shape;
  const vocab = vocabulary.tokens.length;
  const kvDim = (e / heads) * kvHeads;
  const zeros = (dims: number[]): GgufTensor["data"] => () => [new Float32Array(dims.reduce((a, b) => a * b, 1))];
  const shapes: [string, number[]][] = [["token_embd.weight", [e, vocab]], ["output_norm.weight", [e]], ["output.weight", [e, vocab]]];
  for (let i = 0; i < layers; i++) {
    shapes.push(
      [`blk.${i}.attn_norm.weight`, [e]],
      [`blk.${i}.attn_q.weight`, [e, e]],
      [`blk.${i}.attn_k.weight`, [e, kvDim]],
      [`blk.${i}.attn_v.weight`, [e, kvDim]],
      [`blk.${i}.attn_output.weight`, [e, e]],
      [`blk.${i}.ffn_norm.weight`, [e]],
      [`blk.${i}.ffn_gate.weight`, [e, ff]],
      [`blk.${i}.ffn_up.weight`, [e, ff]],
      [`blk.${i}.ffn_down.weight`, [ff, e]],
    );
  }
  const tensors: GgufTensor[] = shapes.map(([name, dims]) => ({ name, shape: dims, type: "f32", data: zeros(dims) }));
  const metadata = decoderMetadata({
    architecture: "llama",
    name: "llmserve zero llama",
    vocabulary,
    chatTemplate: qwen3ChatTemplate,
    eosTokenId: vocabulary.idOf("<|im_end|>"),
    bosTokenId: vocabulary.idOf("<|endoftext|>"),
    contextLength: shape.contextLength,
    embeddingLength: e,
    feedForwardLength: ff,
    blockCount: layers,
    headCount: heads,
    headCountKv: kvHeads,
  });
  writeGguf(path, { metadata, tensors });
  return { tensorBytes: shapes.reduce((sum, [, dims]) => sum + dims.reduce((a, b) => a * b, 1) * 4, 0) };
}

const dir = mkdtempSync(join(tmpdir(), "llmserve-estimate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Insights whose numbers follow a known formula: 1 GiB of weights per layer, 1 MiB of KV per token per sequence. */
function syntheticInsights(totalLayers: number, trainContextSize?: number): MemoryEstimateInsights & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    totalLayers,
    trainContextSize,
    estimateModelResourceRequirementsV2: async (options) => {
      calls.push(["model", options]);
      return { gpuVram: options.gpuLayers * GIB, cpuRam: 100 };
    },
    estimateContextResourceRequirementsV2: async (options) => {
      calls.push(["context", options]);
      return { gpuVram: options.contextSize * (options.sequences ?? 1) * 1024 * 1024, cpuRam: 10 };
    },
  };
}

describe("estimateMemoryFromInsights", () => {
  it("should add weights with every layer offloaded and the KV cache for max_model_len x sequences", async () => {
    const insights = syntheticInsights(65);
    const estimate = await estimateMemoryFromInsights(insights, { contextSize: 8192, sequences: 2 });
    expect(estimate).toEqual({
      weightsBytes: 65 * GIB + 100,
      kvCacheBytes: 16 * GIB + 10,
      totalBytes: 81 * GIB + 110,
      contextSize: 8192,
      sequences: 2,
      totalLayers: 65,
    });
    expect(insights.calls).toEqual([
      ["model", { gpuLayers: 65 }],
      ["context", { contextSize: 8192, sequences: 2, modelGpuLayers: 65, flashAttention: "auto" }],
    ]);
  });

  it("should default to the training context capped at 4096 as the replica does, and one sequence", async () => {
    // As the replica: the training context capped at 4096 when max_model_len is not set.
    expect(await estimateMemoryFromInsights(syntheticInsights(2, 32768))).toMatchObject({ contextSize: 4096, sequences: 1, kvCacheBytes: 4 * GIB + 10 });
    expect(await estimateMemoryFromInsights(syntheticInsights(2, 2048))).toMatchObject({ contextSize: 2048 });
    expect(await estimateMemoryFromInsights(syntheticInsights(2))).toMatchObject({ contextSize: 4096 });
  });

  it("should reject a context size or sequence count that is not a positive integer", async () => {
    await expect(estimateMemoryFromInsights(syntheticInsights(2), { contextSize: 0 })).rejects.toThrow(/contextSize must be a positive integer/);
    await expect(estimateMemoryFromInsights(syntheticInsights(2), { sequences: 1.5 })).rejects.toThrow(/sequences must be a positive integer/);
  });
});

describe("estimateReplicaMemory", () => {
  const shape = { layers: 4, embedding: 256, feedForward: 512, heads: 4, kvHeads: 2, contextLength: 8192 };
  const path = join(dir, "tiny.gguf");
  const { tensorBytes } = writeZeroLlamaGguf(path, shape);

  it("should read a GGUF header and estimate about the tensor bytes for the weights", async () => {
    const estimate = await estimateReplicaMemory(path, { contextSize: 1024 });
    expect(estimate.totalLayers).toBe(shape.layers + 1);
    expect(estimate.weightsBytes).toBeGreaterThanOrEqual(tensorBytes);
    expect(estimate.weightsBytes).toBeLessThan(tensorBytes * 1.5);
    expect(estimate.totalBytes).toBe(estimate.weightsBytes + estimate.kvCacheBytes);
  });

  it("should grow the KV cache with the context size and the sequences, and cap the default context at 4096 as the replica does", async () => {
    const small = await estimateReplicaMemory(path, { contextSize: 1024, sequences: 1 });
    const long = await estimateReplicaMemory(path, { contextSize: 4096, sequences: 1 });
    const wide = await estimateReplicaMemory(path, { contextSize: 4096, sequences: 4 });
    expect(long.kvCacheBytes).toBeGreaterThan(small.kvCacheBytes);
    expect(wide.kvCacheBytes).toBeGreaterThan(long.kvCacheBytes);
    expect(wide.weightsBytes).toBe(small.weightsBytes);
    // K and V in F16 for 4 layers x 128 KV dims: 2 KiB per token at least.
    expect(wide.kvCacheBytes).toBeGreaterThanOrEqual(4096 * 4 * 2048);
    expect((await estimateReplicaMemory(path)).contextSize).toBe(4096);
  });

  it("should fail on a file that is not a GGUF", async () => {
    await expect(estimateReplicaMemory(join(dir, "missing.gguf"))).rejects.toThrow(/ENOENT/);
  });

  it("should refuse a header declaring absurd counts at once instead of parsing it", async () => {
    const crafted = readFileSync(path);
    crafted.writeBigUInt64LE(1n << 62n, 8);
    crafted.writeBigUInt64LE(1n << 62n, 16);
    const craftedPath = join(dir, "crafted.gguf");
    writeFileSync(craftedPath, crafted);
    const started = performance.now();
    await expect(estimateReplicaMemory(craftedPath)).rejects.toThrow(`${craftedPath} is not a valid GGUF: absurd counts`);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("checkMemoryFit", () => {
  const gpus = parseNvidiaSmiCsv(A100_40G_X8)
    .slice(0, 2)
    .map((gpu, i) => ({ ...gpu, memoryFreeBytes: (i === 0 ? 7 : 7.1) * GIB }));

  it("should say what is needed and what the GPUs have free", () => {
    expect(checkMemoryFit(21.3 * GIB, gpus, "A100-40G")).toEqual({
      fits: false,
      requiredBytes: 21.3 * GIB,
      freeBytes: 14.1 * GIB,
      message: "needs 21.3 GiB, 2 x A100-40G have 14.1 GiB free",
    });
  });

  it("should fit when the summed free memory suffices, naming the cards without a label", () => {
    expect(checkMemoryFit(14 * GIB, gpus)).toMatchObject({ fits: true, message: "needs 14.0 GiB, 2 x NVIDIA A100-SXM4-40GB have 14.1 GiB free" });
    expect(checkMemoryFit(1 * GIB, gpus.slice(0, 1)).message).toBe("needs 1.0 GiB, 1 x NVIDIA A100-SXM4-40GB has 7.0 GiB free");
  });
});
