import { buildByteLevelBpeVocabulary } from "./byteLevelBpeVocabulary.js";
import { ensureCachedGguf, type EnsureModelOptions } from "./ensureCachedGguf.js";
import { randomTinyModelSpec } from "./ensureRandomTinyModel.js";

export interface ChatTemplateModelOptions extends EnsureModelOptions {
  /** A short name for the file (`chat-template-<name>-<hash>.gguf`). */
  readonly name: string;
  /** A real model's chat template (test/fixtures/chatTemplates). */
  readonly chatTemplate: string;
  /** The model's special tokens, BOS and EOS among them: control tokens, as in the real model's vocabulary. */
  readonly specialTokens: readonly string[];
  readonly bosToken: string;
  readonly eosToken: string;
}

/**
 * The random tiny llama with a real model's chat template and special tokens (plus the 256 byte tokens and the
 * role words), so prompts rendered with that template tokenize as for the real model: each special token's text
 * one token, and every other text exactly round-trips through the byte tokens. Returns the cached file's path.
 */
export function ensureChatTemplateModel(options: ChatTemplateModelOptions): string {
  const vocabulary = buildByteLevelBpeVocabulary({
    words: ["system", "user", "assistant", "tool"],
    specialTokens: options.specialTokens.map((text) => ({ text, kind: "control" as const })),
  });
  const spec = randomTinyModelSpec({
    name: `llmserve chat template ${options.name}`,
    vocabulary,
    chatTemplate: options.chatTemplate,
    bosTokenId: vocabulary.idOf(options.bosToken),
    eosTokenId: vocabulary.idOf(options.eosToken),
    seed: 7,
  });
  return ensureCachedGguf(`chat-template-${options.name}`, spec, options);
}
