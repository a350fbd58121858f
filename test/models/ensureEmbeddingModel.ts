import type { GgufTensor } from "../gguf/GgufTensor.js";
import { decoderMetadata } from "./decoderMetadata.js";
import { ensureCachedGguf, type EnsureModelOptions } from "./ensureCachedGguf.js";
import { qwen3ChatTemplate } from "./qwen3ChatTemplate.js";
import { scriptedVocabulary } from "./scriptedVocabulary.js";
import { seededNormal } from "./seededRandom.js";

/** Width of the embedding model's vectors. */
export const EMBEDDING_MODEL_DIMENSIONS = 64;
const FEED_FORWARD_LENGTH = 32;

/**
 * A tiny embedding model (`<arch>.pooling_type` = mean): each token has a seeded random vector, attention and
 * FFN add nothing, so an input's embedding is the mean of its tokens' RMS-normalised vectors: deterministic,
 * different for different texts, and equal for inputs with the same tokens in any order. Same vocabulary as the
 * scripted models. Returns the cached file's path.
 */
export function ensureEmbeddingModel(options: EnsureModelOptions = {}): string {
  const vocabulary = scriptedVocabulary();
  const n = EMBEDDING_MODEL_DIMENSIONS;
  const size = vocabulary.tokens.length;
  const normal = seededNormal(42);
  const embeddings = Float32Array.from({ length: size * n }, () => normal());
  const zeros = (count: number): Float32Array => new Float32Array(count);
  const ones = new Float32Array(n).fill(1);
  const tensors: GgufTensor[] = [
    { name: "token_embd.weight", shape: [n, size], type: "f32", data: embeddings },
    { name: "output_norm.weight", shape: [n], type: "f32", data: ones },
    { name: "blk.0.attn_norm.weight", shape: [n], type: "f32", data: ones },
    { name: "blk.0.attn_q.weight", shape: [n, n], type: "f32", data: zeros(n * n) },
    { name: "blk.0.attn_k.weight", shape: [n, n], type: "f32", data: zeros(n * n) },
    { name: "blk.0.attn_v.weight", shape: [n, n], type: "f32", data: zeros(n * n) },
    { name: "blk.0.attn_output.weight", shape: [n, n], type: "f32", data: zeros(n * n) },
    { name: "blk.0.ffn_norm.weight", shape: [n], type: "f32", data: ones },
    { name: "blk.0.ffn_gate.weight", shape: [n, FEED_FORWARD_LENGTH], type: "f32", data: zeros(n * FEED_FORWARD_LENGTH) },
    { name: "blk.0.ffn_up.weight", shape: [n, FEED_FORWARD_LENGTH], type: "f32", data: zeros(n * FEED_FORWARD_LENGTH) },
    { name: "blk.0.ffn_down.weight", shape: [FEED_FORWARD_LENGTH, n], type: "f32", data: zeros(n * FEED_FORWARD_LENGTH) },
  ];
  const metadata = decoderMetadata({
    architecture: "llama",
    name: "llmserve embedding",
    vocabulary,
    chatTemplate: qwen3ChatTemplate,
    eosTokenId: vocabulary.idOf("<|im_end|>"),
    bosTokenId: vocabulary.idOf("<|endoftext|>"),
    embeddingLength: n,
    feedForwardLength: FEED_FORWARD_LENGTH,
    blockCount: 1,
    headCount: 1,
    headCountKv: 1,
    poolingType: 1,
  });
  return ensureCachedGguf("embedding", { metadata, tensors }, options);
}
