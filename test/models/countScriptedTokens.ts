import { scriptedVocabulary } from "./scriptedVocabulary.js";
import { tokenizeByteLevelBpe, type TokenizeOptions } from "./tokenizeByteLevelBpe.js";

/**
 * Number of tokens the scripted models (reasoning, tool-call, loop, embedding: one shared vocabulary) make of
 * `text`; for a chat request, pass the rendered prompt (special tokens parsed, the default) to get the expected
 * `usage.prompt_tokens`. Matches llama.cpp's tokenizer (tested).
 */
export function countScriptedTokens(text: string, options: TokenizeOptions = {}): number {
  return tokenizeByteLevelBpe(scriptedVocabulary(), text, options).length;
}
