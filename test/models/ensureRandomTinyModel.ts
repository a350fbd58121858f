import type { GgufFileSpec } from "../gguf/GgufFileSpec.js";
import type { GgufTensor } from "../gguf/GgufTensor.js";
import type { ByteLevelBpeVocabulary } from "./byteLevelBpeVocabulary.js";
import { decoderMetadata } from "./decoderMetadata.js";
import { ensureCachedGguf, type EnsureModelOptions } from "./ensureCachedGguf.js";
import { qwen3ChatTemplate } from "./qwen3ChatTemplate.js";
import { SCRIPTED_END_TOKEN } from "./scriptedReasoningScript.js";
import { scriptedVocabulary } from "./scriptedVocabulary.js";
import { seededRandom } from "./seededRandom.js";

const EMBEDDING_LENGTH = 64;
const FEED_FORWARD_LENGTH = 128;
const BLOCKS = 2;
const HEADS = 4;

/**
 * A tiny llama-architecture model with seeded random weights (64 wide, 2 blocks, the scripted byte-level
 * vocabulary, the Qwen3 template): its output is noise, so only a grammar can make it valid JSON. The benchmark
 * model's shape in miniature; a few hundred KB, milliseconds per token on one CPU thread.
 */
export function ensureRandomTinyModel(options: EnsureModelOptions & { seed?: number } = {}): string {
  return ensureCachedGguf("random-tiny", randomTinyModel(options.seed), options);
}

/** The spec `ensureRandomTinyModel` writes (e.g. to split it into parts with `splitGgufSpec`). */
export function randomTinyModel(seed = 7): GgufFileSpec {
  const vocabulary = scriptedVocabulary();
  return randomTinyModelSpec({
    name: "llmserve random tiny",
    vocabulary,
    chatTemplate: qwen3ChatTemplate,
    eosTokenId: vocabulary.idOf(SCRIPTED_END_TOKEN),
    bosTokenId: vocabulary.idOf("<|endoftext|>"),
    seed,
  });
}

export interface RandomTinyModelOptions {
  readonly name: string;
  readonly vocabulary: ByteLevelBpeVocabulary;
  readonly chatTemplate: string;
  readonly eosTokenId: number;
  readonly bosTokenId: number;
  readonly seed: number;
}

/** The random tiny llama (64 wide, 2 blocks) over any byte-level vocabulary and chat template. */
export function randomTinyModelSpec(options: RandomTinyModelOptions): GgufFileSpec {
  const { vocabulary } = options;
  const random = gaussian(options.seed);
  const n = EMBEDDING_LENGTH;
  const vocabularySize = vocabulary.tokens.length;
  const matrix = (rows: number, columns: number, std: number): Float32Array => {
    const data = new Float32Array(rows * columns);
    for (let index = 0; index < data.length; index++) data[index] = random() * std;
    return data;
  };
  const ones = new Float32Array(n).fill(1);
  const tensors: GgufTensor[] = [
    { name: "token_embd.weight", shape: [n, vocabularySize], type: "f32", data: matrix(vocabularySize, n, 1) },
    { name: "output_norm.weight", shape: [n], type: "f32", data: ones },
    // logits with a standard deviation of about 2: varied, but not one-hot
    { name: "output.weight", shape: [n, vocabularySize], type: "f32", data: matrix(vocabularySize, n, 2 / Math.sqrt(n)) },
  ];
  for (let block = 0; block < BLOCKS; block++) {
    const linear = (name: string, inputs: number, outputs: number): GgufTensor => (
      { name: `blk.${block}.${name}.weight`, shape: [inputs, outputs], type: "f32", data: matrix(outputs, inputs, 1 / Math.sqrt(inputs)) });
    tensors.push(
      { name: `blk.${block}.attn_norm.weight`, shape: [n], type: "f32", data: ones },
      linear("attn_q", n, n), linear("attn_k", n, n), linear("attn_v", n, n), linear("attn_output", n, n),
      { name: `blk.${block}.ffn_norm.weight`, shape: [n], type: "f32", data: ones },
      linear("ffn_gate", n, FEED_FORWARD_LENGTH), linear("ffn_up", n, FEED_FORWARD_LENGTH), linear("ffn_down", FEED_FORWARD_LENGTH, n),
    );
  }
  const metadata = decoderMetadata({
    architecture: "llama",
    name: options.name,
    vocabulary,
    chatTemplate: options.chatTemplate,
    eosTokenId: options.eosTokenId,
    bosTokenId: options.bosTokenId,
    contextLength: 4096,
    embeddingLength: n,
    feedForwardLength: FEED_FORWARD_LENGTH,
    blockCount: BLOCKS,
    headCount: HEADS,
    headCountKv: HEADS,
  });
  return { metadata, tensors };
}

/** A seeded standard-normal generator (mulberry32 + Box-Muller), so the file and its hash are reproducible. */
function gaussian(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}
