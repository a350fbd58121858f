import { bigramModelSpec } from "./bigramModelSpec.js";
import { bigramSuccessors } from "./bigramSuccessors.js";
import type { DecoderArchitecture } from "./decoderMetadata.js";
import { ensureCachedGguf, type EnsureModelOptions } from "./ensureCachedGguf.js";
import { qwen3ChatTemplate } from "./qwen3ChatTemplate.js";
import { SCRIPTED_ANSWER_TOKENS, SCRIPTED_END_TOKEN, SCRIPTED_THINK_ON_TOKENS } from "./scriptedReasoningScript.js";
import { scriptedVocabulary } from "./scriptedVocabulary.js";

/**
 * The scripted reasoning model: a real GGUF (about 0.7 MB) whose greedy output is
 * - after `<|im_start|>assistant\n` (thinking on): `SCRIPTED_THINK_ON_TOKENS`,
 * - after the no-think prompt ending `</think>\n\n`: `SCRIPTED_THINK_OFF_TOKENS` (the answer alone),
 * - after any other last token outside the script (e.g. `SCRIPTED_COMPLETION_PROMPT`): the answer alone.
 * It cannot read the prompt, so `/think` and `/no_think` in a user message change nothing: only the template's
 * `enable_thinking: false` prefix turns the reasoning off. Architecture `qwen3` (QK-norm; the llama graph with
 * `architecture: "llama"`), so node-llama-cpp's `resolveChatWrapper` picks `QwenChatWrapper` as for a real Qwen3
 * GGUF (with `llama` it falls back to `JinjaTemplateChatWrapper`, which renders an empty think block: thinking
 * off). Returns the cached file's path.
 */
export function ensureScriptedReasoningModel(options: EnsureModelOptions & { architecture?: DecoderArchitecture } = {}): string {
  const vocabulary = scriptedVocabulary();
  const successors = bigramSuccessors(vocabulary, [["\n", ...SCRIPTED_THINK_ON_TOKENS]]);
  const spec = bigramModelSpec({
    name: "llmserve scripted reasoning",
    vocabulary,
    chatTemplate: qwen3ChatTemplate,
    successors,
    defaultSuccessor: vocabulary.idOf(SCRIPTED_ANSWER_TOKENS[0]!),
    eosTokenId: vocabulary.idOf(SCRIPTED_END_TOKEN),
    bosTokenId: vocabulary.idOf("<|endoftext|>"),
    ...(options.architecture ? { architecture: options.architecture } : {}),
  });
  return ensureCachedGguf("scripted-reasoning", spec, options);
}
