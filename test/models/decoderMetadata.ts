import { gguf, type GgufMetadata } from "../gguf/GgufMetadataValue.js";
import type { ByteLevelBpeVocabulary } from "./byteLevelBpeVocabulary.js";

export type DecoderArchitecture = "llama" | "qwen3";

export interface DecoderMetadataOptions {
  readonly architecture: DecoderArchitecture;
  readonly name: string;
  readonly vocabulary: Pick<ByteLevelBpeVocabulary, "tokens" | "tokenTypes" | "merges">;
  readonly chatTemplate: string;
  readonly eosTokenId: number;
  readonly bosTokenId: number;
  /** Defaults to 8192. */
  readonly contextLength?: number;
  readonly embeddingLength: number;
  readonly feedForwardLength: number;
  readonly blockCount: number;
  readonly headCount: number;
  readonly headCountKv: number;
  /** GGUF `general.file_type`: 0 all f32 (the default), 1 mostly f16. */
  readonly fileType?: number;
  /** `<arch>.pooling_type` for embedding models: 1 mean, 2 cls, 3 last. Absent when undefined. */
  readonly poolingType?: number;
}

/** Architecture and tokenizer metadata of a generated decoder (Qwen-style byte-level BPE, `qwen2` pre-tokenizer). */
export function decoderMetadata(options: DecoderMetadataOptions): GgufMetadata {
  const arch = options.architecture;
  return {
    "general.architecture": gguf.str(arch),
    "general.name": gguf.str(options.name),
    "general.file_type": gguf.u32(options.fileType ?? 0),
    [`${arch}.context_length`]: gguf.u32(options.contextLength ?? 8192),
    [`${arch}.embedding_length`]: gguf.u32(options.embeddingLength),
    [`${arch}.block_count`]: gguf.u32(options.blockCount),
    [`${arch}.feed_forward_length`]: gguf.u32(options.feedForwardLength),
    [`${arch}.attention.head_count`]: gguf.u32(options.headCount),
    [`${arch}.attention.head_count_kv`]: gguf.u32(options.headCountKv),
    [`${arch}.rope.dimension_count`]: gguf.u32(options.embeddingLength / options.headCount),
    [`${arch}.rope.freq_base`]: gguf.f32(1_000_000),
    [`${arch}.attention.layer_norm_rms_epsilon`]: gguf.f32(1e-6),
    [`${arch}.vocab_size`]: gguf.u32(options.vocabulary.tokens.length),
    ...(options.poolingType !== undefined ? { [`${arch}.pooling_type`]: gguf.u32(options.poolingType) } : {}),
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
