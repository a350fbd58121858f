import type { ToolCallChunk } from "../../../tools/ToolCallTypes.js";
import { abortOnDisconnect } from "../abortOnDisconnect.js";
import { completeChat, streamChat, type ChatFinishReason, type ChatUsage } from "../chatGeneration.js";
import type { SseWriter } from "../createSseWriter.js";
import { itemId, unixSeconds } from "../openaiIds.js";
import { prepareChat } from "../prepareChat.js";
import { readJsonBody } from "../readJsonBody.js";
import { responsesToChatBody } from "../responses/responsesToChatBody.js";
import type { RouteContext } from "../RouteContext.js";
import { sendJson } from "../sendJson.js";
import { timingsOf } from "../timingsOf.js";
import type { GenerationTimings } from "../../engine/GenerationTimings.js";

type Json = Record<string, unknown>;

/**
 * `POST /v1/responses` (OpenAI Responses API) on the chat path: a reasoning item (the parser's reasoning as
 * `reasoning_text` content, and as the summary when `reasoning.summary` asks for one), a message with
 * `output_text`, `function_call` items; streamed as the Responses events. Nothing is stored (`store: false`).
 */
export async function responses(ctx: RouteContext): Promise<void> {
  const { runtime, res } = ctx;
  const body = await readJsonBody(ctx.req, undefined, { keepFloats: true });
  const chat = await prepareChat(runtime, responsesToChatBody(body));
  const signal = abortOnDisconnect(res);
  const summary = typeof (body["reasoning"] as Json | undefined)?.["summary"] === "string";
  const base: Json = {
    id: itemId("resp"),
    object: "response",
    created_at: unixSeconds(),
    model: runtime.settings.modelId,
    instructions: body["instructions"] ?? null,
    max_output_tokens: body["max_output_tokens"] ?? null,
    temperature: body["temperature"] ?? 1,
    top_p: body["top_p"] ?? 1,
    tools: body["tools"] ?? [],
    tool_choice: body["tool_choice"] ?? "auto",
    parallel_tool_calls: body["parallel_tool_calls"] ?? true,
    reasoning: body["reasoning"] ?? { effort: null, summary: null },
    text: body["text"] ?? { format: { type: "text" } },
    metadata: body["metadata"] ?? {},
    previous_response_id: null,
    store: false,
    truncation: "disabled",
    error: null,
  };

  if (!chat.request.stream) {
    const turn = await completeChat(chat, signal);
    const output: Json[] = [];
    if (turn.reasoning !== null) output.push(reasoningItem(itemId("rs"), turn.reasoning, summary));
    if (turn.content !== null && turn.content !== "") output.push(messageItem(itemId("msg"), turn.content, "completed"));
    for (const call of turn.toolCalls) {
      output.push({ type: "function_call", id: itemId("fc"), call_id: call.id, name: call.function.name, arguments: call.function.arguments, status: "completed" });
    }
    sendJson(res, 200, finished(base, output, turn.finishReason, turn.usage, turn.timings));
    return;
  }

  const events = createEventWriter(summary);
  const streamed = await streamChat(res, chat, signal, {
    start: (sse) => {
      const response = { ...base, status: "in_progress", output: [], incomplete_details: null, usage: null };
      events.send(sse, "response.created", { response });
      events.send(sse, "response.in_progress", { response });
    },
    reasoning: (text, sse) => events.reasoning(text, sse),
    content: (text, sse) => events.text(text, sse),
    toolCall: (chunk, sse) => events.toolCall(chunk, sse),
    failure: (error, sse) => {
      events.send(sse, "error", { code: error.code ?? "server_error", message: error.message, param: null });
      sse.end();
    },
  });
  if (streamed === undefined) return;
  const { end, sse } = streamed;
  events.close(sse);
  if (end.invalid !== undefined) {
    events.send(sse, "error", { code: end.invalid.code, message: end.invalid.message, param: null });
    sse.end();
    return;
  }
  const response = finished(base, events.output(), end.finishReason, end.usage, end.timings);
  events.send(sse, response["status"] === "completed" ? "response.completed" : "response.incomplete", { response });
  sse.end();
}

function finished(base: Json, output: readonly Json[], reason: ChatFinishReason, usage: ChatUsage, timings: GenerationTimings): Json {
  const complete = reason !== "length";
  // incomplete_details, usage and timings follow the output: the controller reads them from the answer's last bytes.
  return {
    ...base,
    status: complete ? "completed" : "incomplete",
    output,
    incomplete_details: complete ? null : { reason: "max_output_tokens" },
    usage: {
      input_tokens: usage.promptTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: usage.completionTokens,
      output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
      total_tokens: usage.promptTokens + usage.completionTokens,
    },
    // not in OpenAI's shape: llama-server's per-request timings, as every llmserve answer carries them
    timings: timingsOf({ ...usage, timings }),
  };
}

function reasoningItem(id: string, text: string, summary: boolean): Json {
  return {
    type: "reasoning",
    id,
    summary: summary ? [{ type: "summary_text", text }] : [],
    content: [{ type: "reasoning_text", text }],
  };
}

function messageItem(id: string, text: string, status: "in_progress" | "completed"): Json {
  return { type: "message", id, status, role: "assistant", content: text === "" && status === "in_progress" ? [] : [outputText(text)] };
}

function outputText(text: string): Json {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

interface OpenItem {
  kind: "reasoning" | "message" | "function_call";
  id: string;
  text: string;
  call?: { index: number; callId: string; name: string };
}

/** The Responses stream: items open when their kind first appears and are done when another kind begins. */
function createEventWriter(summary: boolean): {
  send(sse: SseWriter, type: string, fields: Json): void;
  reasoning(text: string, sse: SseWriter): void;
  text(text: string, sse: SseWriter): void;
  toolCall(chunk: ToolCallChunk, sse: SseWriter): void;
  close(sse: SseWriter): void;
  output(): Json[];
} {
  let sequence = 0;
  const done: Json[] = [];
  let open: OpenItem | undefined;
  const send = (sse: SseWriter, type: string, fields: Json): void => {
    sse.send({ type, sequence_number: sequence++, ...fields }, type);
  };
  const at = (): Json => ({ item_id: open!.id, output_index: done.length });
  const close = (sse: SseWriter): void => {
    if (open === undefined) return;
    const item = open;
    let final: Json;
    if (item.kind === "reasoning") {
      send(sse, "response.reasoning_text.done", { ...at(), content_index: 0, text: item.text });
      send(sse, "response.content_part.done", { ...at(), content_index: 0, part: { type: "reasoning_text", text: item.text } });
      if (summary) {
        const part = { type: "summary_text", text: item.text };
        send(sse, "response.reasoning_summary_part.added", { ...at(), summary_index: 0, part: { ...part, text: "" } });
        send(sse, "response.reasoning_summary_text.delta", { ...at(), summary_index: 0, delta: item.text });
        send(sse, "response.reasoning_summary_text.done", { ...at(), summary_index: 0, text: item.text });
        send(sse, "response.reasoning_summary_part.done", { ...at(), summary_index: 0, part });
      }
      final = reasoningItem(item.id, item.text, summary);
    } else if (item.kind === "message") {
      send(sse, "response.output_text.done", { ...at(), content_index: 0, text: item.text, logprobs: [] });
      send(sse, "response.content_part.done", { ...at(), content_index: 0, part: outputText(item.text) });
      final = messageItem(item.id, item.text, "completed");
    } else {
      const call = item.call!;
      send(sse, "response.function_call_arguments.done", { ...at(), name: call.name, arguments: item.text });
      final = { type: "function_call", id: item.id, call_id: call.callId, name: call.name, arguments: item.text, status: "completed" };
    }
    send(sse, "response.output_item.done", { output_index: done.length, item: final });
    done.push(final);
    open = undefined;
  };
  const begin = (sse: SseWriter, next: OpenItem, item: Json): void => {
    close(sse);
    open = next;
    send(sse, "response.output_item.added", { output_index: done.length, item });
  };
  return {
    send,
    reasoning(text, sse) {
      if (open?.kind !== "reasoning") {
        const id = itemId("rs");
        begin(sse, { kind: "reasoning", id, text: "" }, { type: "reasoning", id, summary: [], content: [] });
        send(sse, "response.content_part.added", { ...at(), content_index: 0, part: { type: "reasoning_text", text: "" } });
      }
      open!.text += text;
      send(sse, "response.reasoning_text.delta", { ...at(), content_index: 0, delta: text });
    },
    text(text, sse) {
      if (open?.kind !== "message") {
        const id = itemId("msg");
        begin(sse, { kind: "message", id, text: "" }, messageItem(id, "", "in_progress"));
        send(sse, "response.content_part.added", { ...at(), content_index: 0, part: outputText("") });
      }
      open!.text += text;
      send(sse, "response.output_text.delta", { ...at(), content_index: 0, delta: text, logprobs: [] });
    },
    toolCall(chunk, sse) {
      if (open?.kind !== "function_call" || open.call?.index !== chunk.index) {
        const id = itemId("fc");
        const call = { index: chunk.index, callId: chunk.id ?? itemId("call"), name: chunk.function.name ?? "" };
        begin(sse, { kind: "function_call", id, text: "", call }, { type: "function_call", id, call_id: call.callId, name: call.name, arguments: "", status: "in_progress" });
      }
      if (chunk.function.arguments === "") return;
      open!.text += chunk.function.arguments;
      send(sse, "response.function_call_arguments.delta", { ...at(), delta: chunk.function.arguments });
    },
    close,
    output: () => done,
  };
}
