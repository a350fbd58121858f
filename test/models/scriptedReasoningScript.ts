/**
 * The fixed script of the scripted reasoning model (`ensureScriptedReasoningModel`). Every entry of the token
 * lists is exactly one generated token (its decoded text); a bigram chain needs each token to have one successor,
 * so no token repeats within a script.
 */

/** The reasoning, as a reasoning parser returns it (without `<think>\n` and `\n</think>`). */
export const SCRIPTED_REASONING = "Okay, the user said hello. Reply with a friendly greeting.";
/** The answer (the message content once the reasoning is split off, without surrounding newlines). */
export const SCRIPTED_ANSWER = "Hello! How can I help you today?";
/** The end-of-turn token that ends every reply (the model's EOS). */
export const SCRIPTED_END_TOKEN = "<|im_end|>";

/** The answer's tokens, then the end token. */
export const SCRIPTED_ANSWER_TOKENS: readonly string[] = ["Hello", "!", " How", " can", " I", " help", " you", " today", "?", SCRIPTED_END_TOKEN];

/**
 * Generated tokens after `<|im_start|>assistant\n` (thinking on): `<think>`, the reasoning, `</think>`, `\n\n`
 * (one token), the answer, `<|im_end|>`. `"\nOkay"` and `".\n"` are single tokens so that the `\n` tokens in the
 * script differ from the prompt's last `\n` (whose successor is `<think>`).
 */
export const SCRIPTED_THINK_ON_TOKENS: readonly string[] = [
  "<think>", "\nOkay", ",", " the", " user", " said", " hello", ".", " Reply", " with", " a", " friendly", " greeting", ".\n",
  "</think>", "\n\n",
  ...SCRIPTED_ANSWER_TOKENS,
];

/** Generated tokens after the no-think generation prompt (`...assistant\n<think>\n\n</think>\n\n`): the answer. */
export const SCRIPTED_THINK_OFF_TOKENS: readonly string[] = SCRIPTED_ANSWER_TOKENS;

/** The whole generated text with thinking on, end token excluded: what a server without a reasoning parser returns. */
export const SCRIPTED_THINK_ON_TEXT = `<think>\n${SCRIPTED_REASONING}\n</think>\n\n${SCRIPTED_ANSWER}`;
/** The whole generated text with thinking off (the no-think prefix belongs to the prompt). */
export const SCRIPTED_THINK_OFF_TEXT = SCRIPTED_ANSWER;

/** Generated tokens with thinking on, counting the final `<|im_end|>` (26). */
export const SCRIPTED_THINK_ON_COMPLETION_TOKENS = SCRIPTED_THINK_ON_TOKENS.length;
/** Generated tokens with thinking off, counting the final `<|im_end|>` (10). */
export const SCRIPTED_THINK_OFF_COMPLETION_TOKENS = SCRIPTED_THINK_OFF_TOKENS.length;
/** Tokens of the reasoning part with thinking on: `<think>` through the `\n\n` after `</think>` (16). */
export const SCRIPTED_THINK_TOKENS = SCRIPTED_THINK_ON_TOKENS.length - SCRIPTED_ANSWER_TOKENS.length;

/**
 * A raw completion prompt whose last token is outside the script: every such token is followed by the answer,
 * so `/v1/completions` with this prompt generates `SCRIPTED_ANSWER` then the end token.
 */
export const SCRIPTED_COMPLETION_PROMPT = "Once upon a time";
