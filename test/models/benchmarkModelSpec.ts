import type { GgufFileSpec } from "../gguf/GgufFileSpec.js";
import type { GgufTensor } from "../gguf/GgufTensor.js";
import { float32ToFloat16 } from "../gguf/float32ToFloat16.js";
import { decoderMetadata } from "./decoderMetadata.js";
import { qwen3ChatTemplate } from "./qwen3ChatTemplate.js";
import { seededNormal, xorshift32 } from "./seededRandom.js";
import { syntheticVocabulary } from "./syntheticVocabulary.js";

/** The shape of a generated random-weight llama model. */
export interface BenchmarkModelShape {
  readonly embeddingLength: number;
  readonly blockCount: number;
  readonly feedForwardLength: number;
  readonly headCount: number;
  readonly headCountKv: number;
  readonly vocabularySize: number;
  readonly contextLength: number;
}

/** Named shapes: `254m` is the benchmark model of perf-notes.md; `1.5b` a larger one for GPU runs. */
export const BENCHMARK_MODEL_SHAPES = {
  "254m": { embeddingLength: 1024, blockCount: 16, feedForwardLength: 2816, headCount: 16, headCountKv: 8, vocabularySize: 32000, contextLength: 8192 },
  "1.5b": { embeddingLength: 1536, blockCount: 28, feedForwardLength: 8960, headCount: 12, headCountKv: 2, vocabularySize: 32000, contextLength: 8192 },
} as const satisfies Record<string, BenchmarkModelShape>;

export type BenchmarkModelShapeName = keyof typeof BENCHMARK_MODEL_SHAPES;

/** Standard deviation of the random weights (the usual initialisation scale). */
const WEIGHT_STD = 0.02;
const CHUNK_ELEMENTS = 1 << 20;

/** Parameter count of a shape (what the model card would say). */
export function benchmarkParameterCount(shape: BenchmarkModelShape): number {
  const n = shape.embeddingLength;
  const kv = (n / shape.headCount) * shape.headCountKv;
  const perBlock = n * n * 2 + n * kv * 2 + 3 * n * shape.feedForwardLength + 2 * n;
  return 2 * shape.vocabularySize * n + n + shape.blockCount * perBlock;
}

/** Seeded f16 noise in chunks: 65536 pre-drawn normal values indexed by a fast PRNG (16 bits per draw). */
function randomHalves(count: number, seed: number): () => Iterable<Uint16Array> {
  return function* () {
    const normal = seededNormal(seed ^ 0x5bd1e995);
    const table = new Uint16Array(65536);
    for (let index = 0; index < table.length; index++) table[index] = float32ToFloat16(normal() * WEIGHT_STD);
    const next = xorshift32(seed);
    for (let done = 0; done < count; done += CHUNK_ELEMENTS) {
      const chunk = new Uint16Array(Math.min(CHUNK_ELEMENTS, count - done));
      for (let index = 0; index < chunk.length; index += 2) {
        const bits = next();
        chunk[index] = table[bits & 0xffff]!;
        if (index + 1 < chunk.length) chunk[index + 1] = table[bits >>> 16]!;
      }
      yield chunk;
    }
  };
}

/**
 * A llama-architecture GGUF of the given shape with seeded random f16 weights (norms f32, all ones) and the
 * Qwen3-style template: realistic compute per token, meaningless text. Tensor data is produced chunk by chunk
 * while the file is written, never held whole.
 */
export function benchmarkModelSpec(shape: BenchmarkModelShape, seed = 1): GgufFileSpec {
  const vocabulary = syntheticVocabulary(shape.vocabularySize);
  const n = shape.embeddingLength;
  const kv = (n / shape.headCount) * shape.headCountKv;
  const tensors: GgufTensor[] = [];
  const random = (name: string, dims: number[]): void => {
    const count = dims.reduce((a, b) => a * b, 1);
    tensors.push({ name, shape: dims, type: "f16", data: randomHalves(count, (seed * 7919 + tensors.length * 104729) >>> 0) });
  };
  const ones = (name: string): void => {
    tensors.push({ name, shape: [n], type: "f32", data: new Float32Array(n).fill(1) });
  };
  random("token_embd.weight", [n, shape.vocabularySize]);
  ones("output_norm.weight");
  random("output.weight", [n, shape.vocabularySize]);
  for (let block = 0; block < shape.blockCount; block++) {
    ones(`blk.${block}.attn_norm.weight`);
    random(`blk.${block}.attn_q.weight`, [n, n]);
    random(`blk.${block}.attn_k.weight`, [n, kv]);
    random(`blk.${block}.attn_v.weight`, [n, kv]);
    random(`blk.${block}.attn_output.weight`, [n, n]);
    ones(`blk.${block}.ffn_norm.weight`);
    random(`blk.${block}.ffn_gate.weight`, [n, shape.feedForwardLength]);
    random(`blk.${block}.ffn_up.weight`, [n, shape.feedForwardLength]);
    random(`blk.${block}.ffn_down.weight`, [shape.feedForwardLength, n]);
  }
  const metadata = decoderMetadata({
    architecture: "llama",
    name: `llmserve benchmark ${(benchmarkParameterCount(shape) / 1e6).toFixed(0)}M`,
    vocabulary,
    chatTemplate: qwen3ChatTemplate,
    eosTokenId: vocabulary.idOf("<|im_end|>"),
    bosTokenId: vocabulary.idOf("<|endoftext|>"),
    contextLength: shape.contextLength,
    embeddingLength: n,
    feedForwardLength: shape.feedForwardLength,
    blockCount: shape.blockCount,
    headCount: shape.headCount,
    headCountKv: shape.headCountKv,
    fileType: 1,
  });
  return { metadata, tensors };
}
