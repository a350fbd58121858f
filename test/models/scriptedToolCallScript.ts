/**
 * The fixed scripts of the scripted tool-call model (`ensureScriptedToolCallModel`), Qwen3/hermes format.
 * Without a `<tool_response>` anywhere in the context the model reasons and calls `get_weather`; once the context
 * holds a `<tool_response>` (a `tool` message, as the Qwen3 template renders it) it reasons again and answers.
 */

export const SCRIPTED_TOOL_NAME = "get_weather";
export const SCRIPTED_TOOL_ARGUMENTS = { city: "Paris" } as const;
/** The arguments exactly as the model writes them (what `tool_calls[0].function.arguments` should hold). */
export const SCRIPTED_TOOL_ARGUMENTS_JSON = '{"city": "Paris"}';

export const SCRIPTED_TOOL_CALL_REASONING = "The user asks about Paris weather. Calling the tool.";
/** The raw tool call block (hermes): what a tool-call parser consumes. */
export const SCRIPTED_TOOL_CALL_BLOCK = `<tool_call>\n{"name": "${SCRIPTED_TOOL_NAME}", "arguments": ${SCRIPTED_TOOL_ARGUMENTS_JSON}}\n</tool_call>`;

/** Generated tokens after `<|im_start|>assistant\n` when the context has no tool response; ends with `<|im_end|>`. */
export const SCRIPTED_TOOL_CALL_TOKENS: readonly string[] = [
  "<think>", "\nThe", " user", " asks", " about", " Paris", " weather", ".", " Calling", " the", " tool", ".\n",
  "</think>", "\n\n",
  "<tool_call>", '\n{"name": "', "get", "_weather", '", "arguments": ', '{"', "city", '": "', "Paris", '"}', "}\n", "</tool_call>",
  "<|im_end|>",
];
export const SCRIPTED_TOOL_CALL_TEXT = `<think>\n${SCRIPTED_TOOL_CALL_REASONING}\n</think>\n\n${SCRIPTED_TOOL_CALL_BLOCK}`;
/** 27, counting the final `<|im_end|>`. */
export const SCRIPTED_TOOL_CALL_COMPLETION_TOKENS = SCRIPTED_TOOL_CALL_TOKENS.length;

export const SCRIPTED_TOOL_RESULT_REASONING = "Good, I have an answer.";
export const SCRIPTED_TOOL_RESULT_ANSWER = "It is sunny and warm!";
/** Generated tokens after `<|im_start|>assistant\n` once a `<tool_response>` is in the context. */
export const SCRIPTED_TOOL_RESULT_TOKENS: readonly string[] = [
  "<think>", "\nGood", ",", " I", " have", " an", " answer", ".\n", "</think>", "\n\n",
  "It", " is", " sunny", " and", " warm", "!", "<|im_end|>",
];
export const SCRIPTED_TOOL_RESULT_TEXT = `<think>\n${SCRIPTED_TOOL_RESULT_REASONING}\n</think>\n\n${SCRIPTED_TOOL_RESULT_ANSWER}`;
/** 17, counting the final `<|im_end|>`. */
export const SCRIPTED_TOOL_RESULT_COMPLETION_TOKENS = SCRIPTED_TOOL_RESULT_TOKENS.length;
