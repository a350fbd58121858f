/**
 * The fixed script of the scripted harmony model (`ensureScriptedHarmonyModel`), gpt-oss's output format. Every
 * entry is one generated token. The harmony tokens are control tokens in the GGUF, but llama.cpp shows
 * `<|channel|>`, `<|message|>`, `<|start|>` and `<|end|>` in generated text for gpt-oss (it makes them user-defined);
 * `<|return|>` ends the generation and is not part of the text.
 */

/** The analysis channel's text: what `openai_gptoss` returns as reasoning. */
export const HARMONY_REASONING = "User says hi, so greet back.";
/** The final channel's text: the answer. */
export const HARMONY_ANSWER = "Hello! How can I help?";
/** End of the reply (the model's EOS; gpt-oss ends a final answer with it). */
export const HARMONY_END_TOKEN = "<|return|>";

export const HARMONY_REASONING_TOKENS: readonly string[] = ["User", " says", " hi", ",", " so", " greet", " back", "."];
export const HARMONY_ANSWER_TOKENS: readonly string[] = ["Hello", "!", " How", " can", " I", " help", "?"];

/** Generated after the generation prompt `<|start|>assistant`, end token included (26 tokens). */
export const HARMONY_TOKENS: readonly string[] = [
  "<|channel|>", "analysis", "<|message|>", ...HARMONY_REASONING_TOKENS, "<|end|>",
  "<|start|>", "assistant", "<|channel|>", "final", "<|message|>", ...HARMONY_ANSWER_TOKENS, HARMONY_END_TOKEN,
];

/**
 * The tool-call script (`ensureScriptedHarmonyModel({ script: "toolCall" })`): an analysis message, then a call to
 * `functions.get_weather` in the commentary channel, ended by `<|call|>` (an end-of-generation token).
 */
export const HARMONY_TOOL_REASONING = "Need the weather.";
export const HARMONY_TOOL_NAME = "get_weather";
/** The arguments as the model writes them; vLLM's `openai` parser returns them re-serialised by `json.dumps`. */
export const HARMONY_TOOL_ARGUMENTS = '{"city":"Paris"}';
export const HARMONY_TOOL_CALL_TOKENS: readonly string[] = [
  "<|channel|>", "analysis", "<|message|>", "Need", " the", " weather", ".", "<|end|>",
  "<|start|>", "assistant", "<|channel|>", "commentary", " to", "=functions", ".get_weather", " ", "<|constrain|>", "json",
  "<|message|>", '{"city"', ':"Paris"}', "<|call|>",
];

/** The generated text as llama.cpp detokenizes it (`<|return|>` excluded): what a server without a parser returns. */
export const HARMONY_TEXT =
  `<|channel|>analysis<|message|>${HARMONY_REASONING}<|end|><|start|>assistant<|channel|>final<|message|>${HARMONY_ANSWER}`;

/**
 * A minimal harmony-like chat template (not gpt-oss's real one, which has a system preamble with the date, the
 * reasoning effort and the tools): each message as `<|start|>ROLE<|message|>CONTENT<|end|>`, an assistant message in
 * the final channel, and `<|start|>assistant` as the generation prompt, as gpt-oss's template ends.
 */
export const HARMONY_CHAT_TEMPLATE =
  "{%- for message in messages -%}" +
  "{%- if message.role == 'assistant' -%}<|start|>assistant<|channel|>final<|message|>{{ message.content }}<|end|>" +
  "{%- else -%}<|start|>{{ message.role }}<|message|>{{ message.content }}<|end|>{%- endif -%}" +
  "{%- endfor -%}" +
  "{%- if add_generation_prompt -%}<|start|>assistant{%- endif -%}";
