import { FunctionValue, StringValue, type RuntimeValue, type Template } from "@huggingface/jinja";
import type { ChatMessage } from "./ChatMessage.js";
import { strftime } from "./strftime.js";
import { templateMessages } from "./templateMessages.js";
import { toTemplateValue } from "./toTemplateValue.js";

export interface RenderChatPromptOptions {
  readonly template: Template;
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly unknown[] | undefined;
  readonly addGenerationPrompt: boolean;
  /** Every key becomes a template variable (enable_thinking, thinking, reasoning_effort, ...). */
  readonly chatTemplateKwargs: Readonly<Record<string, unknown>>;
  readonly bosToken: string;
  readonly eosToken: string;
  /** The clock `strftime_now` reads. Defaults to the current time. */
  readonly now?: () => Date;
}

/** Thrown when the chat template itself refuses the conversation (e.g. `raise_exception` on role order). */
export class ChatTemplateError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "ChatTemplateError";
  }
}

/**
 * Renders the prompt with the model's own Jinja chat template as transformers' `apply_chat_template` does after
 * vLLM's message normalisation: variables `messages`, `tools` (none without tools), `documents` (none),
 * `add_generation_prompt`, `bos_token`, `eos_token`, `strftime_now`, and every key of `chat_template_kwargs`
 * (which cannot override the first four). Values keep Python's types (see `toTemplateValue`).
 */
export function renderChatPrompt(options: RenderChatPromptOptions): string {
  const variables: Record<string, unknown> = {
    bos_token: options.bosToken,
    eos_token: options.eosToken,
    strftime_now: strftimeNow(options.now ?? (() => new Date())),
    ...options.chatTemplateKwargs,
    messages: templateMessages(options.messages),
    tools: options.tools ?? null,
    documents: null,
    add_generation_prompt: options.addGenerationPrompt,
  };
  const values = Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, toTemplateValue(value)]));
  try {
    return options.template.render(values);
  } catch (error) {
    throw new ChatTemplateError(`the model's chat template rejected the request: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** transformers' `strftime_now(format)` global, reading `now`. */
function strftimeNow(now: () => Date): FunctionValue {
  const call = ([format]: RuntimeValue<unknown>[]): StringValue => new StringValue(strftime(now(), String(format?.value ?? "")));
  return new FunctionValue(call as never);
}
