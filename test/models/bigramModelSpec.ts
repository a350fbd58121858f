import type { GgufFileSpec } from "../gguf/GgufFileSpec.js";
import type { GgufTensor } from "../gguf/GgufTensor.js";
import type { ByteLevelBpeVocabulary } from "./byteLevelBpeVocabulary.js";
import { decoderMetadata, type DecoderArchitecture } from "./decoderMetadata.js";

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
  /**
   * `qwen3` (QK-norm, NEOX RoPE) makes node-llama-cpp pick its Qwen chat wrapper as for a real Qwen3 GGUF;
   * `llama` makes it fall back to the Jinja template. Defaults to `qwen3`.
   */
  readonly architecture?: DecoderArchitecture;
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
 * the output matrix turns into the divergence logits; the RoPE base is large so position does not matter.
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
  const architecture = options.architecture ?? "qwen3";
  // qwen3 normalises q and k per head (RMS norm, then these weights): one non-zero component becomes sqrt(n).
  const keyNormWeight = MARKER_SCORE / Math.sqrt(n);
  if (condition) {
    // The slowest-rotating RoPE pair (llama: dims n-2 and n-1 of the single head; NEOX: n/2-1 and n-1), so
    // relative position barely changes the score.
    const slow = architecture === "llama" ? n - 2 : n / 2 - 1;
    q[slow * n + CONST] = 1;
    k[slow * n + MARKER] = architecture === "llama" ? (MARKER_SCORE * Math.sqrt(n)) / (twoActive * threeActive) : 1;
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
    ...(architecture === "qwen3"
      ? [
          { name: "blk.0.attn_q_norm.weight", shape: [n], type: "f32", data: ones } as const,
          { name: "blk.0.attn_k_norm.weight", shape: [n], type: "f32", data: new Float32Array(n).fill(keyNormWeight) } as const,
        ]
      : []),
    { name: "blk.0.ffn_norm.weight", shape: [n], type: "f32", data: ones },
    { name: "blk.0.ffn_gate.weight", shape: [n, FEED_FORWARD_LENGTH], type: "f32", data: new Float32Array(n * FEED_FORWARD_LENGTH) },
    { name: "blk.0.ffn_up.weight", shape: [n, FEED_FORWARD_LENGTH], type: "f32", data: new Float32Array(n * FEED_FORWARD_LENGTH) },
    { name: "blk.0.ffn_down.weight", shape: [FEED_FORWARD_LENGTH, n], type: "f32", data: new Float32Array(n * FEED_FORWARD_LENGTH) },
  ];
  const metadata = decoderMetadata({
    ...options,
    architecture,
    embeddingLength: n,
    feedForwardLength: FEED_FORWARD_LENGTH,
    blockCount: 1,
    headCount: 1,
    headCountKv: 1,
  });
  return { metadata, tensors };
}
