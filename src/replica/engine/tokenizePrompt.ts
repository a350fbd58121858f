import type { LlamaModel, Token } from "node-llama-cpp";

/**
 * Tokenizes a rendered prompt, parsing special-token text (`<|im_start|>`) into special tokens, and prepends BOS
 * when the model wants one and the template did not already write it.
 */
export function tokenizePrompt(model: LlamaModel, prompt: string): Token[] {
  const tokens = model.tokenize(prompt, true);
  const bos = model.tokens.bos;
  if (model.tokens.shouldPrependBosToken && bos !== null && tokens[0] !== bos) return [bos, ...tokens];
  return tokens;
}
