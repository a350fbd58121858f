/**
 * Prepares chat history for a Jinja template as vLLM does: an assistant message's `tool_calls[].function.arguments`
 * arrive as JSON strings, but templates (Hermes/Qwen2.5, Llama 3.1, Mistral) render them with `| tojson`, which would
 * encode them twice. Decodable strings become objects; everything else is left as sent. Returns new message objects.
 */
export function decodeToolCallArguments<T extends Record<string, unknown>>(messages: readonly T[]): T[] {
  return messages.map((message) => {
    if (message.role !== "assistant" || !Array.isArray(message.tool_calls)) return message;
    const toolCalls = message.tool_calls.map((call: unknown) => {
      if (call === null || typeof call !== "object") return call;
      const fn = (call as { function?: unknown }).function;
      if (fn === null || typeof fn !== "object" || typeof (fn as { arguments?: unknown }).arguments !== "string") return call;
      try {
        const decoded = JSON.parse((fn as { arguments: string }).arguments) as unknown;
        return { ...call, function: { ...fn, arguments: decoded } };
      } catch {
        return call;
      }
    });
    return { ...message, tool_calls: toolCalls };
  });
}
