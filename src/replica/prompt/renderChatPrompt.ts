import { Template } from "@huggingface/jinja";
import type { ChatMessage } from "./ChatMessage.js";

export interface RenderChatPromptOptions {
  readonly template: Template;
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly unknown[] | undefined;
  readonly addGenerationPrompt: boolean;
  /** Every key becomes a template variable (enable_thinking, thinking, reasoning_effort, ...). */
  readonly chatTemplateKwargs: Readonly<Record<string, unknown>>;
  readonly bosToken: string;
  readonly eosToken: string;
}

/** Thrown when the chat template itself refuses the conversation (e.g. `raise_exception` on role order). */
export class ChatTemplateError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "ChatTemplateError";
  }
}

/**
 * Renders the prompt with the model's own Jinja chat template, with vLLM's variables: `messages`, `tools`,
 * `add_generation_prompt`, `bos_token`, `eos_token`, and every key of `chat_template_kwargs` (which cannot
 * override the first three). This is what makes `enable_thinking: false` (Qwen3) and `thinking: true` (Granite)
 * reach the template.
 */
export function renderChatPrompt(options: RenderChatPromptOptions): string {
  const variables: Record<string, unknown> = {
    bos_token: options.bosToken,
    eos_token: options.eosToken,
    ...options.chatTemplateKwargs,
    messages: options.messages,
    add_generation_prompt: options.addGenerationPrompt,
  };
  if (options.tools !== undefined && options.tools.length > 0) variables["tools"] = options.tools;
  try {
    return options.template.render(variables);
  } catch (error) {
    throw new ChatTemplateError(`the model's chat template rejected the request: ${error instanceof Error ? error.message : String(error)}`);
  }
}
