/** A chat message as far as the reasoning mapping cares; other fields pass through untouched. */
export interface ChatMessageLike {
  role: string;
  reasoning?: unknown;
  reasoning_content?: unknown;
  [key: string]: unknown;
}

/**
 * The messages as the chat template should see them. vLLM copies an assistant message's `reasoning` into both
 * `reasoning` and `reasoning_content` before rendering, because the Qwen and GLM templates read
 * `message.reasoning_content`; we accept either key from the client (`reasoning` wins when both are set, as the
 * current name) and set both. Other messages, and assistant messages without reasoning, are returned as they are.
 * Pure: changed messages are copies.
 */
export function messagesForTemplate<T extends ChatMessageLike>(messages: readonly T[]): T[] {
  return messages.map((message) => {
    if (message.role !== "assistant") return message;
    const reasoning = typeof message.reasoning === "string" ? message.reasoning : message.reasoning_content;
    if (typeof reasoning !== "string") return message;
    return { ...message, reasoning, reasoning_content: reasoning };
  });
}
