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
  /** As the client sent it (a JSON string, or an object); `templateMessages` makes it a mapping as vLLM does. */
  readonly function: { readonly name: string; readonly arguments: unknown };
}
