import { bigramModelSpec, type BigramDivergence } from "./bigramModelSpec.js";
import { bigramSuccessors } from "./bigramSuccessors.js";
import { ensureCachedGguf, type EnsureModelOptions } from "./ensureCachedGguf.js";
import { qwen3ChatTemplate } from "./qwen3ChatTemplate.js";
import { SCRIPTED_END_TOKEN } from "./scriptedReasoningScript.js";
import { SCRIPTED_TOOL_CALL_TOKENS, SCRIPTED_TOOL_RESULT_TOKENS } from "./scriptedToolCallScript.js";
import { scriptedVocabulary } from "./scriptedVocabulary.js";

/** The marker whose presence anywhere in the context switches the model to its after-the-tool script. */
export const SCRIPTED_TOOL_RESULT_MARKER = "<tool_response>";

/**
 * The scripted tool-call model: after `<|im_start|>assistant\n` it emits `SCRIPTED_TOOL_CALL_TOKENS` (reasoning,
 * then a hermes `<tool_call>` for `get_weather({"city": "Paris"})`, then `<|im_end|>`), whatever the prompt says;
 * once a `<tool_response>` token is anywhere in the context (a `tool` message rendered by the Qwen3 template) it
 * emits `SCRIPTED_TOOL_RESULT_TOKENS` instead (reasoning, then "It is sunny and warm!"). A bigram table plus one
 * attention head that looks for the marker; tokens after the divergence points are unique to each script.
 */
export function ensureScriptedToolCallModel(options: EnsureModelOptions = {}): string {
  const vocabulary = scriptedVocabulary();
  const callChain = ["\n", ...SCRIPTED_TOOL_CALL_TOKENS];
  const resultChain = ["\n", ...SCRIPTED_TOOL_RESULT_TOKENS];
  // node-llama-cpp's function calling writes `", "arguments": ` itself (tokenized, so ending in a lone space)
  // and lets the model continue with the arguments: the space leads into the same arguments tokens.
  const successors = bigramSuccessors(vocabulary, [callChain, [" ", '{"']]);
  const divergences: BigramDivergence[] = [];
  const resultOnly = new Map<number, number>();
  for (let index = 0; index + 1 < resultChain.length; index++) {
    const token = vocabulary.idOf(resultChain[index]!);
    const next = vocabulary.idOf(resultChain[index + 1]!);
    const base = successors.get(token);
    if (base === undefined) resultOnly.set(token, next);
    else if (base !== next) divergences.push({ at: token, from: base, to: next });
  }
  for (const [token, next] of resultOnly) successors.set(token, next);
  // The bonus of a promoted token applies at every step, so it must be nobody's ordinary successor, and a
  // demoted token must not be needed after the marker.
  const resultSuccessors = new Set(resultOnly.values());
  for (const { from, to } of divergences) {
    if (resultSuccessors.has(to)) throw new Error(`${vocabulary.textOf(to)} is also a plain successor`);
    if (resultChain.includes(vocabulary.textOf(from))) throw new Error(`${vocabulary.textOf(from)} is needed after the tool`);
  }

  const spec = bigramModelSpec({
    name: "llmserve scripted tool call",
    vocabulary,
    chatTemplate: qwen3ChatTemplate,
    successors,
    defaultSuccessor: vocabulary.idOf(SCRIPTED_END_TOKEN),
    condition: { markerTokenId: vocabulary.idOf(SCRIPTED_TOOL_RESULT_MARKER), divergences },
    eosTokenId: vocabulary.idOf(SCRIPTED_END_TOKEN),
    bosTokenId: vocabulary.idOf("<|endoftext|>"),
  });
  return ensureCachedGguf("scripted-tool-call", spec, options);
}
