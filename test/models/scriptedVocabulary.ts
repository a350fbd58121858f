import { buildByteLevelBpeVocabulary, type ByteLevelBpeVocabulary, type SpecialTokenDefinition } from "./byteLevelBpeVocabulary.js";
import { qwen2PreTokenize } from "./qwen2PreTokenize.js";
import { LOOP_ALPHABET } from "./loopScript.js";
import { SCRIPTED_THINK_ON_TOKENS } from "./scriptedReasoningScript.js";
import { SCRIPTED_TOOL_CALL_TOKENS, SCRIPTED_TOOL_RESULT_TOKENS } from "./scriptedToolCallScript.js";

/** Qwen3's added tokens, in Qwen3's order (control tokens are hidden in detokenized text, user-defined ones not). */
export const SCRIPTED_SPECIAL_TOKENS: readonly SpecialTokenDefinition[] = [
  { text: "<|endoftext|>", kind: "control" },
  { text: "<|im_start|>", kind: "control" },
  { text: "<|im_end|>", kind: "control" },
  { text: "<tool_call>", kind: "userDefined" },
  { text: "</tool_call>", kind: "userDefined" },
  { text: "<tool_response>", kind: "userDefined" },
  { text: "</tool_response>", kind: "userDefined" },
  { text: "<think>", kind: "userDefined" },
  { text: "</think>", kind: "userDefined" },
];

/**
 * The vocabulary every scripted test model shares: 256 byte tokens, every script token (as a BPE-reachable word
 * when the qwen2 pre-tokenizer keeps it whole, otherwise as an unmerged token), and Qwen3's special tokens.
 */
export function scriptedVocabulary(): ByteLevelBpeVocabulary {
  const specials = new Set(SCRIPTED_SPECIAL_TOKENS.map((s) => s.text));
  const scriptTexts = [...SCRIPTED_THINK_ON_TOKENS, ...SCRIPTED_TOOL_CALL_TOKENS, ...SCRIPTED_TOOL_RESULT_TOKENS, "\n", ...LOOP_ALPHABET];
  const words: string[] = [];
  const unmergedTokens: string[] = [];
  for (const text of scriptTexts) {
    if (specials.has(text)) continue;
    const pieces = qwen2PreTokenize(text);
    if (pieces.length === 1 && pieces[0] === text) words.push(text);
    else unmergedTokens.push(text);
  }
  // Role names as whole tokens, as in real chat vocabularies (`<|im_start|>user\n` is 3 tokens). After the script
  // words, so their merges rank lower and never split a script word.
  words.push("system", "user", "assistant");
  return buildByteLevelBpeVocabulary({ words, unmergedTokens, specialTokens: SCRIPTED_SPECIAL_TOKENS });
}
