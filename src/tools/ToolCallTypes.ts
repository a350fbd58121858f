/** One complete tool call, in the shape of OpenAI's `message.tool_calls[]`. */
export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/**
 * One piece of a streamed tool call, in the shape of OpenAI's `delta.tool_calls[]`: the first piece of a call carries
 * `id`, `type`, `function.name` and `function.arguments: ""`; later pieces carry only `index` and argument text.
 */
export interface ToolCallChunk {
  index: number;
  id?: string;
  type?: "function";
  function: { name?: string; arguments: string };
}

/** What the non-streamed parse of a message's content returns. `content` is null when nothing but calls remain. */
export interface ToolCallExtraction {
  content: string | null;
  toolCalls: ToolCall[];
}

/** What to emit for one streamed delta: `content: null` and `toolCalls: []` when there is nothing to send yet. */
export interface ToolCallDelta {
  content: string | null;
  toolCalls: ToolCallChunk[];
}

export interface ToolCallStream {
  /** Feeds the next piece of generated content text (never reasoning). */
  push(delta: string): ToolCallDelta;
  /** Flushes what was held back (a partial tag, an unclosed call) once generation has ended. */
  end(): ToolCallDelta;
  /** How many tool calls were emitted so far (finish_reason is "tool_calls" when > 0). */
  readonly toolCallCount: number;
}

export interface ToolCallParser {
  readonly name: string;
  /** Parses a whole content string. Malformed calls stay in the content; never throws. */
  extract(content: string): ToolCallExtraction;
  /** A fresh incremental parser for one response. */
  stream(): ToolCallStream;
}

/** A parsed call before an id is assigned; `arguments` is already a JSON string. */
export interface ParsedToolCall {
  name: string;
  arguments: string;
}
