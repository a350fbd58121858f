/**
 * llama.cpp's `qwen2` pre-tokenizer split (LLAMA_VOCAB_PRE_TYPE_QWEN2): contractions, letters with one optional
 * leading non-letter, single digits, punctuation runs with trailing newlines, newline runs, then whitespace.
 */
const QWEN2_PATTERN =
  /(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;

/** Splits text into the pieces BPE merges run inside (merges never cross a piece boundary). */
export function qwen2PreTokenize(text: string): string[] {
  return text.match(QWEN2_PATTERN) ?? [];
}
