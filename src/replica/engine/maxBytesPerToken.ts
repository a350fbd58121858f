import type { LlamaModel } from "node-llama-cpp";

/**
 * Tokenizers whose tokens cover every byte of the text, each token at most as many bytes as its stored form:
 * byte-level BPE (`gpt2`: each byte stored as one 1-2 byte character) and SentencePiece (`llama`: "▁" for a
 * space, "<0x0A>" for a byte). Others may drop or fold text (WordPiece drops whitespace, T5 collapses it), so a
 * long text can be few tokens there.
 */
const COVERING_TOKENIZERS = new Set(["gpt2", "llama"]);

/**
 * The most bytes of text one token of this model can stand for (the longest stored token), so that a text of N
 * bytes is at least N / this many tokens; undefined when the tokenizer gives no such bound.
 */
export function maxBytesPerToken(model: Pick<LlamaModel, "fileInfo">): number | undefined {
  const tokenizer = model.fileInfo.metadata.tokenizer?.ggml;
  if (tokenizer === undefined || !COVERING_TOKENIZERS.has(tokenizer.model) || !Array.isArray(tokenizer.tokens)) return undefined;
  let most = 0;
  for (const token of tokenizer.tokens) most = Math.max(most, Buffer.byteLength(token));
  return most > 0 ? most : undefined;
}
