/** A chat message as the template sees it (OpenAI's message, normalised the way vLLM passes it to Jinja). */
export interface ChatMessage {
  readonly role: string;
  readonly content: string | null;
  readonly name?: string;
  readonly tool_call_id?: string;
  readonly tool_calls?: readonly ChatToolCall[];
  /** Reasoning sent back in history: vLLM copies either key into both, since templates read `reasoning_content`. */
  readonly reasoning?: string;
  readonly reasoning_content?: string;
}

export interface ChatToolCall {
  readonly id?: string;
  readonly type: "function";
  /** `arguments` is parsed into an object when it is JSON, as vLLM does for templates that iterate it. */
  readonly function: { readonly name: string; readonly arguments: unknown };
}
