import { bigramModelSpec } from "./bigramModelSpec.js";
import { bigramSuccessors } from "./bigramSuccessors.js";
import { ensureCachedGguf, type EnsureModelOptions } from "./ensureCachedGguf.js";
import { LOOP_ALPHABET } from "./loopScript.js";
import { qwen3ChatTemplate } from "./qwen3ChatTemplate.js";
import { scriptedVocabulary } from "./scriptedVocabulary.js";

/**
 * The never-ending model for per-token overhead benchmarks: whatever the prompt, it emits `a`, `b`, ... `z`,
 * `a`, ... one byte token each, and never an end-of-sequence token (stop it with max_tokens). Same tiny
 * one-layer shape, vocabulary and template as the scripted models, so its compute per token is negligible.
 */
export function ensureLoopModel(options: EnsureModelOptions = {}): string {
  const vocabulary = scriptedVocabulary();
  const successors = bigramSuccessors(vocabulary, [[...LOOP_ALPHABET, LOOP_ALPHABET[0]!]]);
  const spec = bigramModelSpec({
    name: "llmserve loop",
    vocabulary,
    chatTemplate: qwen3ChatTemplate,
    successors,
    defaultSuccessor: vocabulary.idOf(LOOP_ALPHABET[0]!),
    eosTokenId: vocabulary.idOf("<|im_end|>"),
    bosTokenId: vocabulary.idOf("<|endoftext|>"),
  });
  return ensureCachedGguf("loop", spec, options);
}
