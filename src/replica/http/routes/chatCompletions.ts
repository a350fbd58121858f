import { abortOnDisconnect } from "../abortOnDisconnect.js";
import { completeChat, streamChat } from "../chatGeneration.js";
import { createChatOutput } from "../createChatOutput.js";
import { responseId, unixSeconds } from "../openaiIds.js";
import { prepareChat } from "../prepareChat.js";
import { readJsonBody } from "../readJsonBody.js";
import type { RouteContext } from "../RouteContext.js";
import { sendJson } from "../sendJson.js";
import { usageOf } from "../usageOf.js";
import { timingsOf } from "../timingsOf.js";

/** `POST /v1/chat/completions`: renders the model's chat template, generates, splits reasoning, answers or streams. */
export async function chatCompletions(ctx: RouteContext): Promise<void> {
  const { runtime, res } = ctx;
  const body = await readJsonBody(ctx.req, undefined, { keepFloats: true });
  const chat = await prepareChat(runtime, body);
  const output = createChatOutput({
    hasParser: runtime.settings.reasoningParser !== undefined,
    reasoningField: runtime.settings.reasoningField,
    includeReasoning: chat.request.includeReasoning,
  });
  const signal = abortOnDisconnect(res);
  const id = responseId("chatcmpl");
  const created = unixSeconds();
  const model = runtime.settings.modelId;

  if (!chat.request.stream) {
    const turn = await completeChat(chat, signal);
    sendJson(res, 200, {
      id,
      object: "chat.completion",
      created,
      model,
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            ...output.message({ reasoning: turn.reasoning, content: turn.content }),
            tool_calls: turn.toolCalls,
            refusal: null,
          },
          logprobs: null,
          finish_reason: turn.finishReason,
        },
      ],
      usage: usageOf(turn.usage),
      timings: timingsOf({ ...turn.usage, timings: turn.timings }),
    });
    return;
  }

  const includeUsage = chat.request.includeUsage;
  const chunk = (delta: Record<string, unknown>, finishReason: string | null): Record<string, unknown> => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const sendFields = (sse: { send(data: unknown): boolean }, fields: Record<string, string> | undefined): void => {
    if (fields !== undefined) sse.send(chunk(fields, null));
  };
  const streamed = await streamChat(res, chat, signal, {
    start: (sse) => sse.send(chunk({ role: "assistant", content: "" }, null)),
    reasoning: (text, sse) => sendFields(sse, output.delta({ reasoning: text, content: null })),
    content: (text, sse) => sendFields(sse, output.delta({ reasoning: null, content: text })),
    toolCall: (call, sse) => sse.send(chunk({ tool_calls: [call] }, null)),
  });
  if (streamed === undefined) return;
  const { end, sse } = streamed;
  if (end.invalid !== undefined) sse.send(end.invalid.toJSON());
  sse.send({ ...chunk({}, end.finishReason), timings: timingsOf({ ...end.usage, timings: end.timings }) });
  if (includeUsage) sse.send({ id, object: "chat.completion.chunk", created, model, choices: [], usage: usageOf(end.usage) });
  sse.done();
}
