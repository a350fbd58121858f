import type { LlamaModel, Token } from "node-llama-cpp";

/**
 * Whether `token` ends the generation, as llama.cpp decides it (`llama_vocab_is_eog`, which the native generation
 * loop uses too). node-llama-cpp's `isEogToken` also counts the end-of-turn token, but llama.cpp keeps gpt-oss's
 * `<|end|>` as that token while taking it off its end-of-generation list (turning it into a user-defined token):
 * `<|end|>` closes the analysis message and the model goes on to its final one.
 */
export function endsGeneration(model: LlamaModel, token: Token): boolean {
  if (!model.isEogToken(token)) return false;
  const tokens = model.tokens;
  const onlyEndOfTurn = token === tokens.eot && token !== tokens.eos;
  return !onlyEndOfTurn || model.getTokenAttributes(token).control;
}
