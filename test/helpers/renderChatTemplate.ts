import { Template } from "@huggingface/jinja";
import { qwen3ChatTemplate } from "../models/qwen3ChatTemplate.js";

/**
 * Renders a chat template the way transformers and vLLM do (`add_generation_prompt` true unless given), with
 * the Jinja engine node-llama-cpp itself depends on.
 */
export function renderChatTemplate(template: string, variables: Record<string, unknown>): string {
  return new Template(template).render({ add_generation_prompt: true, ...variables });
}

export interface ScriptedChatPromptOptions {
  /** Passed to the template as `enable_thinking` (false appends the empty think block). */
  readonly enableThinking?: boolean;
  /** OpenAI `tools` as sent in the request. */
  readonly tools?: readonly unknown[];
}

/**
 * The prompt text the scripted models' template (Qwen3-style) makes of OpenAI-style messages: with
 * `countScriptedTokens` it gives the expected `usage.prompt_tokens` of a chat completion.
 */
export function scriptedChatPrompt(messages: readonly unknown[], options: ScriptedChatPromptOptions = {}): string {
  return renderChatTemplate(qwen3ChatTemplate, {
    messages,
    ...(options.tools ? { tools: options.tools } : {}),
    ...(options.enableThinking !== undefined ? { enable_thinking: options.enableThinking } : {}),
  });
}
