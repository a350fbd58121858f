import { writeFileSync } from "node:fs";

// A minimal GGUF v3 writer for the memory-estimate test: a llama-architecture header with real tensor infos and
// zeroed F32 data, enough for node-llama-cpp's readGgufFileInfo and GgufInsights. (Branch `gguf` builds the full
// writer for runnable models; this one only has to describe sizes.)

const ALIGNMENT = 32;
const GGML_F32 = 0;
type Value = { type: "u32"; value: number } | { type: "f32"; value: number } | { type: "str"; value: string };

export type TinyLlamaShape = { layers: number; embedding: number; feedForward: number; vocab: number; heads: number; kvHeads: number; contextLength: number };

export function writeTinyLlamaGguf(path: string, shape: TinyLlamaShape): { tensorBytes: number } {
  const { layers, embedding: e, feedForward: ff, vocab, heads, kvHeads, contextLength } = shape;
  const kvDim = (e / heads) * kvHeads;
  const metadata: [string, Value][] = [
    ["general.architecture", { type: "str", value: "llama" }],
    ["general.name", { type: "str", value: "tiny" }],
    ["llama.context_length", { type: "u32", value: contextLength }],
    ["llama.embedding_length", { type: "u32", value: e }],
    ["llama.block_count", { type: "u32", value: layers }],
    ["llama.feed_forward_length", { type: "u32", value: ff }],
    ["llama.attention.head_count", { type: "u32", value: heads }],
    ["llama.attention.head_count_kv", { type: "u32", value: kvHeads }],
    ["llama.rope.dimension_count", { type: "u32", value: e / heads }],
    ["llama.attention.layer_norm_rms_epsilon", { type: "f32", value: 1e-5 }],
  ];
  const tensors: [string, number[]][] = [["token_embd.weight", [e, vocab]], ["output_norm.weight", [e]], ["output.weight", [e, vocab]]];
  for (let i = 0; i < layers; i++) {
    tensors.push(
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

  const parts: Buffer[] = [];
  const u32 = (n: number) => parts.push(Buffer.from(new Uint32Array([n]).buffer));
  const u64 = (n: number) => parts.push(Buffer.from(new BigUint64Array([BigInt(n)]).buffer));
  const str = (s: string) => (u64(Buffer.byteLength(s)), parts.push(Buffer.from(s)));
  parts.push(Buffer.from("GGUF"));
  u32(3);
  u64(tensors.length);
  u64(metadata.length);
  for (const [key, value] of metadata) {
    str(key);
    if (value.type === "u32") (u32(4), u32(value.value));
    else if (value.type === "f32") (u32(6), parts.push(Buffer.from(new Float32Array([value.value]).buffer)));
    else (u32(8), str(value.value));
  }
  let offset = 0;
  const sizes: number[] = [];
  for (const [name, dims] of tensors) {
    str(name);
    u32(dims.length);
    for (const dim of dims) u64(dim);
    u32(GGML_F32);
    u64(offset);
    const bytes = dims.reduce((a, b) => a * b, 1) * 4;
    sizes.push(bytes);
    offset += Math.ceil(bytes / ALIGNMENT) * ALIGNMENT;
  }
  const header = Buffer.concat(parts);
  const padded = Math.ceil(header.length / ALIGNMENT) * ALIGNMENT;
  writeFileSync(path, Buffer.concat([header, Buffer.alloc(padded - header.length), Buffer.alloc(offset)]));
  return { tensorBytes: sizes.reduce((a, b) => a + b, 0) };
}
