import type { ServerResponse } from "node:http";
import type { ReasoningSplit } from "../../reasoning/ReasoningParser.js";
import type { GenerationTimings } from "../engine/GenerationTimings.js";
import { runGeneration, type RunGenerationResult } from "../engine/runGeneration.js";
import type { ToolCall, ToolCallChunk, ToolCallDelta } from "../../tools/ToolCallTypes.js";
import type { SseWriter } from "./createSseWriter.js";
import { OpenAIHttpError } from "./OpenAIHttpError.js";
import type { PreparedChat } from "./prepareChat.js";
import { streamGeneration } from "./streamGeneration.js";

/** Token counts of one chat generation; `reasoningTokens` is part of `completionTokens`. */
export interface ChatUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly reasoningTokens: number;
}

export type ChatFinishReason = "stop" | "length" | "tool_calls";

/** A whole assistant turn, API-neutral: each route renders it in its own shape. */
export interface ChatTurn {
  readonly reasoning: string | null;
  readonly content: string | null;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: ChatFinishReason;
  /** The request's stop string that ended the turn, if one did. */
  readonly stopSequence: string | undefined;
  readonly usage: ChatUsage;
  readonly timings: GenerationTimings;
}

/** Where a streamed turn's pieces go, in the order the model produced them. */
export interface ChatStreamSink {
  /** A sequence is assigned and the stream is open. */
  start(sse: SseWriter): void;
  reasoning(text: string, sse: SseWriter): void;
  content(text: string, sse: SseWriter): void;
  /** One piece of a tool call (the first piece of a call has its id and name). */
  toolCall(chunk: ToolCallChunk, sse: SseWriter): void;
  /** Ends the stream after a failure mid-way; defaults to an OpenAI error event then `[DONE]`. */
  failure?(error: OpenAIHttpError, sse: SseWriter): void;
}

export interface ChatStreamEnd {
  readonly finishReason: ChatFinishReason;
  readonly stopSequence: string | undefined;
  readonly usage: ChatUsage;
  readonly timings: GenerationTimings;
  /** Set when JSON structured output came out invalid (the content was already sent). */
  readonly invalid: OpenAIHttpError | undefined;
}

function usageOf(result: RunGenerationResult): ChatUsage {
  return { promptTokens: result.promptTokens, completionTokens: result.completionTokens, reasoningTokens: result.reasoningTokens };
}

/** Generates a whole turn: reasoning split, then tool calls parsed from the content, then the JSON check (500). */
export async function completeChat(chat: PreparedChat, signal: AbortSignal): Promise<ChatTurn> {
  const result = await runGeneration(chat.engine, chat.promptTokens, chat.request, {
    signal,
    defaultSeed: chat.defaultSeed,
    constrained: chat.constrained,
    reasoning: chat.reasoning,
  });
  const split = chat.parser.extract(result.text);
  const extraction = chat.toolParser !== undefined && split.content !== null ? chat.toolParser.extract(split.content) : undefined;
  const content = extraction !== undefined ? extraction.content : split.content;
  const toolCalls = extraction?.toolCalls ?? [];
  if (chat.validate !== undefined && result.finishReason === "stop" && toolCalls.length === 0) {
    const check = chat.validate(content ?? "");
    if (!check.ok) throw new OpenAIHttpError(500, check.message, { code: "structured_output_invalid" });
  }
  return {
    reasoning: split.reasoning,
    content,
    toolCalls,
    finishReason: toolCalls.length > 0 ? "tool_calls" : result.finishReason,
    stopSequence: result.stopSequence,
    usage: usageOf(result),
    timings: result.timings,
  };
}

/**
 * Generates a turn as a server-sent event stream: reasoning deltas go to the sink as they are, content goes through
 * the tool-call parser first (never the reasoning). Undefined when the stream already ended with an error event.
 */
export async function streamChat(
  res: ServerResponse,
  chat: PreparedChat,
  signal: AbortSignal,
  sink: ChatStreamSink,
): Promise<{ end: ChatStreamEnd; sse: SseWriter } | undefined> {
  const split = chat.parser.stream();
  const tools = chat.toolParser?.stream();
  let content = "";
  const send = (sse: SseWriter, piece: ReasoningSplit, ended: boolean): void => {
    if (piece.reasoning !== null && piece.reasoning !== "") sink.reasoning(piece.reasoning, sse);
    const deltas: ToolCallDelta[] = [];
    if (tools === undefined) {
      if (piece.content !== null && piece.content !== "") deltas.push({ content: piece.content, toolCalls: [] });
    } else {
      if (piece.content !== null && piece.content !== "") deltas.push(tools.push(piece.content));
      if (ended) deltas.push(tools.end());
    }
    const text = deltas.map((delta) => delta.content ?? "").join("");
    if (text !== "") {
      content += text;
      sink.content(text, sse);
    }
    for (const call of deltas.flatMap((delta) => delta.toolCalls)) sink.toolCall(call, sse);
  };
  const streamed = await streamGeneration(res, chat.engine, chat.promptTokens, chat.request, {
    signal,
    defaultSeed: chat.defaultSeed,
    constrained: chat.constrained,
    reasoning: chat.reasoning,
    onStart: (sse) => sink.start(sse),
    onText: (text, sse) => send(sse, split.push(text), false),
    ...(sink.failure !== undefined ? { onFailure: sink.failure.bind(sink) } : {}),
  });
  if (streamed === undefined) return undefined;
  const { result, sse } = streamed;
  send(sse, split.end(), true);
  const calledTools = (tools?.toolCallCount ?? 0) > 0;
  let invalid: OpenAIHttpError | undefined;
  if (chat.validate !== undefined && result.finishReason === "stop" && !calledTools) {
    const check = chat.validate(content);
    if (!check.ok) invalid = new OpenAIHttpError(500, check.message, { code: "structured_output_invalid" });
  }
  const finishReason = calledTools ? "tool_calls" : result.finishReason;
  return { end: { finishReason, stopSequence: result.stopSequence, usage: usageOf(result), timings: result.timings, invalid }, sse };
}
