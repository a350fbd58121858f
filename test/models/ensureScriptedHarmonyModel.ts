import { bigramModelSpec } from "./bigramModelSpec.js";
import { bigramSuccessors } from "./bigramSuccessors.js";
import { buildByteLevelBpeVocabulary, type ByteLevelBpeVocabulary, type SpecialTokenDefinition } from "./byteLevelBpeVocabulary.js";
import { ensureCachedGguf, type EnsureModelOptions } from "./ensureCachedGguf.js";
import { qwen2PreTokenize } from "./qwen2PreTokenize.js";
import {
  HARMONY_ANSWER_TOKENS,
  HARMONY_CHAT_TEMPLATE,
  HARMONY_END_TOKEN,
  HARMONY_REASONING_TOKENS,
  HARMONY_TOKENS,
} from "./scriptedHarmonyScript.js";

/**
 * gpt-oss's harmony special tokens (o200k_harmony), all control tokens as in gpt-oss's GGUFs. llama.cpp itself
 * shows `<|channel|>`, `<|message|>`, `<|start|>` and `<|constrain|>` in generated text, and with `<|return|>` and
 * `<|call|>` present takes `<|end|>` off the end-of-generation list: the model goes on to its final message.
 */
const HARMONY_SPECIAL_TOKENS: readonly SpecialTokenDefinition[] = [
  "<|startoftext|>", "<|endoftext|>", "<|return|>", "<|constrain|>", "<|channel|>", "<|start|>", "<|end|>",
  "<|message|>", "<|call|>",
].map((text) => ({ text, kind: "control" }));

function harmonyVocabulary(): ByteLevelBpeVocabulary {
  const specials = new Set(HARMONY_SPECIAL_TOKENS.map((token) => token.text));
  const words: string[] = [];
  const unmergedTokens: string[] = [];
  // Role names first: their merge chains then rank above the script words' (`analysis` would split `assistant`).
  for (const text of ["assistant", "system", "developer", "user", ...HARMONY_TOKENS]) {
    if (specials.has(text) || words.includes(text) || unmergedTokens.includes(text)) continue;
    const pieces = qwen2PreTokenize(text);
    if (pieces.length === 1 && pieces[0] === text) words.push(text);
    else unmergedTokens.push(text);
  }
  return buildByteLevelBpeVocabulary({ words, unmergedTokens, specialTokens: HARMONY_SPECIAL_TOKENS });
}

/**
 * The scripted harmony model: after `<|start|>assistant` it writes an analysis message, then a final message
 * (`HARMONY_TOKENS`), with the minimal harmony template `HARMONY_CHAT_TEMPLATE`. `<|channel|>` and `<|message|>`
 * come twice with different successors, so the first reasoning token is a marker: once it is in the context,
 * `<|channel|>` leads to `final` and `<|message|>` to the answer (one attention head, as the tool-call model).
 */
export function ensureScriptedHarmonyModel(options: EnsureModelOptions = {}): string {
  const vocabulary = harmonyVocabulary();
  const id = (text: string): number => vocabulary.idOf(text);
  const analysisChain = ["assistant", ...HARMONY_TOKENS.slice(0, HARMONY_TOKENS.indexOf("final") - 1)];
  const successors = bigramSuccessors(vocabulary, [
    analysisChain,
    ["final", "<|message|>"],
    [...HARMONY_ANSWER_TOKENS, HARMONY_END_TOKEN],
  ]);
  const spec = bigramModelSpec({
    name: "llmserve scripted harmony",
    vocabulary,
    chatTemplate: HARMONY_CHAT_TEMPLATE,
    successors,
    defaultSuccessor: id(HARMONY_END_TOKEN),
    condition: {
      markerTokenId: id(HARMONY_REASONING_TOKENS[0]!),
      divergences: [
        { at: id("<|channel|>"), from: id("analysis"), to: id("final") },
        { at: id("<|message|>"), from: id(HARMONY_REASONING_TOKENS[0]!), to: id(HARMONY_ANSWER_TOKENS[0]!) },
      ],
    },
    eosTokenId: id(HARMONY_END_TOKEN),
    bosTokenId: id("<|startoftext|>"),
  });
  return ensureCachedGguf("scripted-harmony", spec, options);
}
