import { gguf, type GgufMetadata } from "../gguf/GgufMetadataValue.js";
import type { GgufFileSpec } from "../gguf/GgufFileSpec.js";
import type { GgufTensor } from "../gguf/GgufTensor.js";
import type { ByteLevelBpeVocabulary } from "./byteLevelBpeVocabulary.js";

/** While the marker is in the context, token `at` is followed by `to` instead of its usual successor `from`. */
export interface BigramDivergence {
  readonly at: number;
  readonly from: number;
  readonly to: number;
}

/**
 * Switches some successors while a marker token is anywhere in the context (one attention head finds it).
 * Every `to` must be nobody's usual successor (its bonus applies at every step), `at` must be the only token
 * whose usual successor is `from`, and no `from` may be needed while the marker is present.
 */
export interface BigramCondition {
  readonly markerTokenId: number;
  readonly divergences: readonly BigramDivergence[];
}

export interface BigramModelOptions {
  readonly name: string;
  readonly vocabulary: ByteLevelBpeVocabulary;
  readonly chatTemplate: string;
  /** Successor of each scripted token; every other token is followed by `defaultSuccessor`. */
  readonly successors: ReadonlyMap<number, number>;
  readonly defaultSuccessor: number;
  readonly condition?: BigramCondition;
  readonly eosTokenId: number;
  readonly bosTokenId: number;
  /** Defaults to 8192. */
  readonly contextLength?: number;
}

const EMBEDDING_LENGTH = 128;
const FEED_FORWARD_LENGTH = 32;
/** Target logit of the scripted successor (every other logit is 0): greedy, and still certain at temperature 2. */
const SUCCESSOR_LOGIT = 60;
/**
 * With the marker present (where the usual successor scores about 49): every `to` gets a bonus, every `from` a
 * penalty, and `to` gets a little more from its own `at` token so it beats the other promoted tokens there.
 */
const PROMOTE_LOGIT = 30;
const DEMOTE_LOGIT = 35;
const DIVERGENCE_LOGIT = 12;
/** Attention score of the marker key against the constant query: softmax puts all weight on the marker. */
const MARKER_SCORE = 40;

/**
 * A llama-architecture GGUF whose greedy output follows a successor table: the residual stream is a one-hot
 * vector over successor classes (tokens with the same successor share an embedding) plus a constant dimension;
 * FFN and (without a condition) attention outputs are zero, so the output matrix maps the class straight to
 * the successor's logit. With a condition, one attention head copies "marker seen" into a feature dimension that
 * the output matrix turns into the promote/demote logits; the RoPE base is large so position does not matter.
 */
export function bigramModelSpec(options: BigramModelOptions): GgufFileSpec {
  const { vocabulary, successors, defaultSuccessor, condition } = options;
  const vocabularySize = vocabulary.tokens.length;
  const successorOf = (token: number): number => successors.get(token) ?? defaultSuccessor;
  const classes = [...new Set(Array.from({ length: vocabularySize }, (_, token) => successorOf(token)))];
  const classOfSuccessor = new Map(classes.map((successor, index) => [successor, index]));
  const n = EMBEDDING_LENGTH;
  const CONST = n - 1;
  const MARKER = n - 2;
  const FEATURE = n - 3;
  if (classes.length > FEATURE) throw new Error(`bigram model ${options.name}: too many successor classes (${classes.length})`);

  // Normalised magnitudes: RMS norm over n dims with 2 (or 3) active unit dims scales each to sqrt(n/2) (sqrt(n/3)).
  const twoActive = Math.sqrt(n / 2);
  const threeActive = Math.sqrt(n / 3);

  const embeddings = new Float32Array(vocabularySize * n);
  for (let token = 0; token < vocabularySize; token++) {
    embeddings[token * n + classOfSuccessor.get(successorOf(token))!] = 1;
    embeddings[token * n + CONST] = 1;
    if (condition && token === condition.markerTokenId) embeddings[token * n + MARKER] = 1;
  }
  const classWeight = SUCCESSOR_LOGIT / twoActive;
  const output = new Float32Array(vocabularySize * n);
  classes.forEach((successor, index) => (output[successor * n + index] = classWeight));
  if (condition) {
    const withFeature = classWeight * threeActive;
    if (!(withFeature - DEMOTE_LOGIT < PROMOTE_LOGIT && PROMOTE_LOGIT < withFeature - 10)) throw new Error("bigram margins");
    for (const { at, from, to } of condition.divergences) {
      if (successorOf(at) !== from) throw new Error(`bigram divergence at ${at}: its successor is not ${from}`);
      output[to * n + FEATURE] = PROMOTE_LOGIT / threeActive;
      output[from * n + FEATURE] = -DEMOTE_LOGIT / threeActive;
      output[to * n + classOfSuccessor.get(from)!] = DIVERGENCE_LOGIT / threeActive;
    }
  }

  const square = (): Float32Array => new Float32Array(n * n);
  const q = square();
  const k = square();
  const v = square();
  const o = square();
  if (condition) {
    // Last RoPE pair (dims n-2, n-1 of the single head) rotates slowest: position barely changes the score.
    const queryWeight = 1;
    q[(n - 2) * n + CONST] = queryWeight;
    k[(n - 2) * n + MARKER] = (MARKER_SCORE * Math.sqrt(n)) / (queryWeight * twoActive * threeActive);
    v[0 * n + MARKER] = 1 / threeActive;
    o[FEATURE * n + 0] = 1;
  }
  const ones = new Float32Array(n).fill(1);
  const tensors: GgufTensor[] = [
    { name: "token_embd.weight", shape: [n, vocabularySize], type: "f32", data: embeddings },
    { name: "output_norm.weight", shape: [n], type: "f32", data: ones },
    { name: "output.weight", shape: [n, vocabularySize], type: "f32", data: output },
    { name: "blk.0.attn_norm.weight", shape: [n], type: "f32", data: ones },
    { name: "blk.0.attn_q.weight", shape: [n, n], type: "f32", data: q },
    { name: "blk.0.attn_k.weight", shape: [n, n], type: "f32", data: k },
    { name: "blk.0.attn_v.weight", shape: [n, n], type: "f32", data: v },
    { name: "blk.0.attn_output.weight", shape: [n, n], type: "f32", data: o },
    { name: "blk.0.ffn_norm.weight", shape: [n], type: "f32", data: ones },
    { name: "blk.0.ffn_gate.weight", shape: [n, FEED_FORWARD_LENGTH], type: "f32", data: new Float32Array(n * FEED_FORWARD_LENGTH) },
    { name: "blk.0.ffn_up.weight", shape: [n, FEED_FORWARD_LENGTH], type: "f32", data: new Float32Array(n * FEED_FORWARD_LENGTH) },
    { name: "blk.0.ffn_down.weight", shape: [FEED_FORWARD_LENGTH, n], type: "f32", data: new Float32Array(n * FEED_FORWARD_LENGTH) },
  ];
  return { metadata: llamaMetadata(options, n, FEED_FORWARD_LENGTH, 1), tensors };
}

/** Architecture and tokenizer metadata shared by the generated llama models. */
export function llamaMetadata(
  options: Pick<BigramModelOptions, "name" | "vocabulary" | "chatTemplate" | "eosTokenId" | "bosTokenId" | "contextLength">,
  embeddingLength: number,
  feedForwardLength: number,
  blockCount: number,
  extra: { headCount?: number; headCountKv?: number; fileType?: number; poolingType?: number } = {},
): GgufMetadata {
  const headCount = extra.headCount ?? 1;
  return {
    "general.architecture": gguf.str("llama"),
    "general.name": gguf.str(options.name),
    "general.file_type": gguf.u32(extra.fileType ?? 0),
    "llama.context_length": gguf.u32(options.contextLength ?? 8192),
    "llama.embedding_length": gguf.u32(embeddingLength),
    "llama.block_count": gguf.u32(blockCount),
    "llama.feed_forward_length": gguf.u32(feedForwardLength),
    "llama.attention.head_count": gguf.u32(headCount),
    "llama.attention.head_count_kv": gguf.u32(extra.headCountKv ?? headCount),
    "llama.rope.dimension_count": gguf.u32(embeddingLength / headCount),
    "llama.rope.freq_base": gguf.f32(1_000_000),
    "llama.attention.layer_norm_rms_epsilon": gguf.f32(1e-6),
    "llama.vocab_size": gguf.u32(options.vocabulary.tokens.length),
    ...(extra.poolingType !== undefined ? { "llama.pooling_type": gguf.u32(extra.poolingType) } : {}),
    "tokenizer.ggml.model": gguf.str("gpt2"),
    "tokenizer.ggml.pre": gguf.str("qwen2"),
    "tokenizer.ggml.tokens": gguf.strings(options.vocabulary.tokens),
    "tokenizer.ggml.token_type": gguf.i32s(options.vocabulary.tokenTypes),
    "tokenizer.ggml.merges": gguf.strings(options.vocabulary.merges),
    "tokenizer.ggml.eos_token_id": gguf.u32(options.eosTokenId),
    "tokenizer.ggml.bos_token_id": gguf.u32(options.bosTokenId),
    "tokenizer.ggml.padding_token_id": gguf.u32(options.bosTokenId),
    "tokenizer.ggml.add_bos_token": gguf.bool(false),
    "tokenizer.chat_template": gguf.str(options.chatTemplate),
  };
}
