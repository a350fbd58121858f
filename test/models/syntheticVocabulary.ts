import { buildByteLevelBpeVocabulary, type ByteLevelBpeVocabulary } from "./byteLevelBpeVocabulary.js";
import { SCRIPTED_SPECIAL_TOKENS } from "./scriptedVocabulary.js";

const LETTERS = [..."etaoinshrdlcumwfgypbvkjxqz"];

/**
 * A byte-level BPE vocabulary of exactly `size` tokens for models of realistic shape: the 256 bytes, letter
 * strings with and without a leading space built by merges (shortest first, frequent letters first), then
 * Qwen3's special tokens.
 */
export function syntheticVocabulary(size: number): ByteLevelBpeVocabulary {
  const budget = size - 256 - SCRIPTED_SPECIAL_TOKENS.length;
  // Every word's shorter prefixes come before it, so each word adds exactly one token.
  const words: string[] = ["\n\n", "  ", "   ", "    ", ...LETTERS.map((letter) => ` ${letter}`)];
  let level = [...LETTERS.map((letter) => ` ${letter}`), ...LETTERS];
  // Two-letter strings and longer, each a new token; the loop stops once the budget is filled.
  while (words.length < budget) {
    const nextLevel: string[] = [];
    for (const prefix of level) {
      for (const letter of LETTERS) {
        const word = prefix + letter;
        nextLevel.push(word);
        if (words.length < budget) words.push(word);
      }
    }
    level = nextLevel;
  }
  const vocabulary = buildByteLevelBpeVocabulary({ words, specialTokens: SCRIPTED_SPECIAL_TOKENS });
  if (vocabulary.tokens.length !== size) throw new Error(`synthetic vocabulary has ${vocabulary.tokens.length} tokens, wanted ${size}`);
  return vocabulary;
}
