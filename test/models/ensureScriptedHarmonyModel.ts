import { bigramModelSpec } from "./bigramModelSpec.js";
import { bigramSuccessors } from "./bigramSuccessors.js";
import { buildByteLevelBpeVocabulary, type ByteLevelBpeVocabulary, type SpecialTokenDefinition } from "./byteLevelBpeVocabulary.js";
import { ensureCachedGguf, type EnsureModelOptions } from "./ensureCachedGguf.js";
import { qwen2PreTokenize } from "./qwen2PreTokenize.js";
import { HARMONY_CHAT_TEMPLATE, HARMONY_TOKENS, HARMONY_TOOL_CALL_TOKENS } from "./scriptedHarmonyScript.js";

/**
 * gpt-oss's harmony special tokens (o200k_harmony), all control tokens as in gpt-oss's GGUFs. llama.cpp itself
 * shows `<|channel|>`, `<|message|>`, `<|start|>` and `<|constrain|>` in generated text, and with `<|return|>` and
 * `<|call|>` present takes `<|end|>` off the end-of-generation list: the model goes on to its final message.
 */
const HARMONY_SPECIAL_TOKENS: readonly SpecialTokenDefinition[] = [
  "<|startoftext|>", "<|endoftext|>", "<|return|>", "<|constrain|>", "<|channel|>", "<|start|>", "<|end|>",
  "<|message|>", "<|call|>",
].map((text) => ({ text, kind: "control" }));

function harmonyVocabulary(script: readonly string[]): ByteLevelBpeVocabulary {
  const specials = new Set(HARMONY_SPECIAL_TOKENS.map((token) => token.text));
  const words: string[] = [];
  const unmergedTokens: string[] = [];
  // Role names first: their merge chains then rank above the script words' (`analysis` would split `assistant`).
  for (const text of ["assistant", "system", "developer", "user", ...script]) {
    if (specials.has(text) || words.includes(text) || unmergedTokens.includes(text)) continue;
    const pieces = qwen2PreTokenize(text);
    if (pieces.length === 1 && pieces[0] === text) words.push(text);
    else unmergedTokens.push(text);
  }
  return buildByteLevelBpeVocabulary({ words, unmergedTokens, specialTokens: HARMONY_SPECIAL_TOKENS });
}

const SCRIPTS = { answer: HARMONY_TOKENS, toolCall: HARMONY_TOOL_CALL_TOKENS } as const;

/**
 * The scripted harmony model: after `<|start|>assistant` it writes an analysis message, then a second message
 * (`script`: `answer` → `HARMONY_TOKENS`, a final answer; `toolCall` → `HARMONY_TOOL_CALL_TOKENS`, a commentary call
 * to `functions.get_weather`), with the minimal harmony template `HARMONY_CHAT_TEMPLATE`. `<|channel|>` and
 * `<|message|>` come twice with different successors, so the first reasoning token is a marker: once it is in the
 * context, `<|channel|>` and `<|message|>` lead into the second message (one attention head, as the tool-call model).
 */
export function ensureScriptedHarmonyModel(options: EnsureModelOptions & { script?: keyof typeof SCRIPTS } = {}): string {
  const script = SCRIPTS[options.script ?? "answer"];
  const vocabulary = harmonyVocabulary(script);
  const id = (text: string): number => vocabulary.idOf(text);
  const secondChannel = script.indexOf("<|channel|>", 1);
  const secondMessage = script.indexOf("<|message|>", secondChannel);
  const firstBodyToken = script[script.indexOf("<|message|>") + 1]!;
  const spec = bigramModelSpec({
    name: `llmserve scripted harmony (${options.script ?? "answer"})`,
    vocabulary,
    chatTemplate: HARMONY_CHAT_TEMPLATE,
    successors: bigramSuccessors(vocabulary, [
      ["assistant", ...script.slice(0, secondChannel)],
      script.slice(secondChannel + 1, secondMessage + 1),
      script.slice(secondMessage + 1),
    ]),
    defaultSuccessor: id(script.at(-1)!),
    condition: {
      markerTokenId: id(firstBodyToken),
      divergences: [
        { at: id("<|channel|>"), from: id(script[1]!), to: id(script[secondChannel + 1]!) },
        { at: id("<|message|>"), from: id(firstBodyToken), to: id(script[secondMessage + 1]!) },
      ],
    },
    eosTokenId: id(script.at(-1)!),
    bosTokenId: id("<|startoftext|>"),
  });
  return ensureCachedGguf(`scripted-harmony-${options.script ?? "answer"}`, spec, options);
}
