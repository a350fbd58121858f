import { createHash } from "node:crypto";
import type { ToolCall, ToolCallChunk } from "../../../tools/ToolCallTypes.js";
import { abortOnDisconnect } from "../abortOnDisconnect.js";
import { messagesToChatBody } from "../anthropic/messagesToChatBody.js";
import { completeChat, streamChat, type ChatFinishReason, type ChatUsage } from "../chatGeneration.js";
import type { SseWriter } from "../createSseWriter.js";
import { invalidField } from "../OpenAIHttpError.js";
import { itemId } from "../openaiIds.js";
import { prepareChat } from "../prepareChat.js";
import { readJsonBody } from "../readJsonBody.js";
import type { RouteContext } from "../RouteContext.js";
import { sendJson } from "../sendJson.js";
import { timingsOf } from "../timingsOf.js";
import { anthropicErrorEnvelope } from "../../../protocol/anthropicErrorEnvelope.js";

type Block = Record<string, unknown>;

/**
 * `POST /v1/messages` (Anthropic Messages API) on the chat path: thinking blocks, text, tool_use with
 * `stop_reason: "tool_use"`, streamed as Anthropic's named events. Errors take Anthropic's shape (the server
 * renders them so for this route).
 */
export async function messages(ctx: RouteContext): Promise<void> {
  const { runtime, res } = ctx;
  const body = await readJsonBody(ctx.req, undefined, { keepFloats: true });
  if (body["max_tokens"] === undefined) throw invalidField("max_tokens", "'max_tokens' is required");
  const chat = await prepareChat(runtime, messagesToChatBody(body));
  const signal = abortOnDisconnect(res);
  const id = itemId("msg");
  const model = runtime.settings.modelId;

  if (!chat.request.stream) {
    const turn = await completeChat(chat, signal);
    const content: Block[] = [];
    if (turn.reasoning !== null) content.push({ type: "thinking", thinking: turn.reasoning, signature: signatureOf(turn.reasoning) });
    if (turn.content !== null && turn.content !== "") content.push({ type: "text", text: turn.content });
    for (const call of turn.toolCalls) content.push(toolUse(call));
    sendJson(res, 200, {
      id,
      type: "message",
      role: "assistant",
      model,
      content,
      stop_reason: stopReason(turn.finishReason, turn.stopSequence),
      stop_sequence: turn.stopSequence ?? null,
      usage: usageOf(turn.usage),
      // not in Anthropic's shape: llama-server's per-request timings, as every llmserve answer carries them
      timings: timingsOf({ ...turn.usage, timings: turn.timings }),
    });
    return;
  }

  const blocks = createBlockWriter();
  const streamed = await streamChat(res, chat, signal, {
    start: (sse) => {
      const usage = { input_tokens: chat.promptTokens.length, output_tokens: 0 };
      sse.send({ type: "message_start", message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage } }, "message_start");
    },
    reasoning: (text, sse) => blocks.thinking(text, sse),
    content: (text, sse) => blocks.text(text, sse),
    toolCall: (chunk, sse) => blocks.toolCall(chunk, sse),
    failure: (error, sse) => {
      sse.send(anthropicErrorEnvelope(error.status, error.message), "error");
      sse.end();
    },
  });
  if (streamed === undefined) return;
  const { end, sse } = streamed;
  blocks.close(sse);
  if (end.invalid !== undefined) {
    sse.send(anthropicErrorEnvelope(end.invalid.status, end.invalid.message), "error");
    sse.end();
    return;
  }
  const delta = { stop_reason: stopReason(end.finishReason, end.stopSequence), stop_sequence: end.stopSequence ?? null };
  sse.send({ type: "message_delta", delta, usage: usageOf(end.usage), timings: timingsOf({ ...end.usage, timings: end.timings }) }, "message_delta");
  sse.send({ type: "message_stop" }, "message_stop");
  sse.end();
}

/** Content blocks of a stream: a block opens when its kind first appears and closes when another kind begins. */
function createBlockWriter(): {
  thinking(text: string, sse: SseWriter): void;
  text(text: string, sse: SseWriter): void;
  toolCall(chunk: ToolCallChunk, sse: SseWriter): void;
  close(sse: SseWriter): void;
} {
  let index = -1;
  let open: { kind: "thinking" | "text" | "tool_use"; thought: string; call: number | undefined } | undefined;
  const close = (sse: SseWriter): void => {
    if (open === undefined) return;
    if (open.kind === "thinking") {
      sse.send({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: signatureOf(open.thought) } }, "content_block_delta");
    }
    sse.send({ type: "content_block_stop", index }, "content_block_stop");
    open = undefined;
  };
  const begin = (kind: "thinking" | "text" | "tool_use", block: Block, sse: SseWriter, call?: number): void => {
    close(sse);
    index += 1;
    open = { kind, thought: "", call };
    sse.send({ type: "content_block_start", index, content_block: block }, "content_block_start");
  };
  const delta = (delta: Block, sse: SseWriter): void => {
    sse.send({ type: "content_block_delta", index, delta }, "content_block_delta");
  };
  return {
    thinking(text, sse) {
      if (open?.kind !== "thinking") begin("thinking", { type: "thinking", thinking: "", signature: "" }, sse);
      open!.thought += text;
      delta({ type: "thinking_delta", thinking: text }, sse);
    },
    text(text, sse) {
      if (open?.kind !== "text") begin("text", { type: "text", text: "" }, sse);
      delta({ type: "text_delta", text }, sse);
    },
    toolCall(chunk, sse) {
      if (open?.kind !== "tool_use" || open.call !== chunk.index) {
        begin("tool_use", { type: "tool_use", id: toolUseId(chunk.id ?? ""), name: chunk.function.name ?? "", input: {} }, sse, chunk.index);
      }
      if (chunk.function.arguments !== "") delta({ type: "input_json_delta", partial_json: chunk.function.arguments }, sse);
    },
    close,
  };
}

function toolUse(call: ToolCall): Block {
  let input: unknown = {};
  try {
    input = JSON.parse(call.function.arguments);
  } catch {
    input = { arguments: call.function.arguments };
  }
  return { type: "tool_use", id: toolUseId(call.id), name: call.function.name, input };
}

/** Anthropic clients expect `toolu_` ids; the chat path's `call_` / `chatcmpl-tool-` ids are renamed alike each time. */
function toolUseId(id: string): string {
  return id.startsWith("toolu_") ? id : `toolu_${id.replace(/^(call_|chatcmpl-tool-)/, "")}`;
}

/** Anthropic signs thoughts; a local model cannot. This is a digest of the text, so a client can send it back as is. */
function signatureOf(thought: string): string {
  return createHash("sha256").update(thought).digest("base64");
}

function stopReason(reason: ChatFinishReason, stopSequence: string | undefined): string {
  if (stopSequence !== undefined) return "stop_sequence";
  return reason === "tool_calls" ? "tool_use" : reason === "length" ? "max_tokens" : "end_turn";
}

function usageOf(usage: ChatUsage): Record<string, number> {
  return { input_tokens: usage.promptTokens, output_tokens: usage.completionTokens };
}

/** `POST /v1/messages/count_tokens`: the rendered prompt's token count, as `messages` would see it. */
export async function countTokens(ctx: RouteContext): Promise<void> {
  const { runtime, res } = ctx;
  const body = await readJsonBody(ctx.req, undefined, { keepFloats: true });
  const chat = await prepareChat(runtime, messagesToChatBody({ ...body, stream: false }));
  sendJson(res, 200, { input_tokens: chat.promptTokens.length });
}
