import { runGeneration, type RunGenerationResult } from "../../engine/runGeneration.js";
import { tokenizePrompt } from "../../engine/tokenizePrompt.js";
import { renderChatPrompt } from "../../prompt/renderChatPrompt.js";
import { thinkingState } from "../../prompt/thinkingState.js";
import { abortOnDisconnect } from "../abortOnDisconnect.js";
import { createChatOutput } from "../createChatOutput.js";
import { createSseWriter, type SseWriter } from "../createSseWriter.js";
import { OpenAIHttpError } from "../OpenAIHttpError.js";
import { responseId, unixSeconds } from "../openaiIds.js";
import { parseChatRequest, type ChatRequest } from "../parseChatRequest.js";
import { readJsonBody } from "../readJsonBody.js";
import { assertModel, readyEngine } from "../readyEngine.js";
import type { RouteContext } from "../RouteContext.js";
import { sendJson } from "../sendJson.js";
import { usageOf } from "../usageOf.js";

/** `POST /v1/chat/completions`: renders the model's chat template, generates, splits reasoning, answers or streams. */
export async function chatCompletions(ctx: RouteContext): Promise<void> {
  const { runtime, res } = ctx;
  const body = await readJsonBody(ctx.req, runtime.settings.maxBodyBytes);
  const request = parseChatRequest(body);
  assertModel(runtime, request.model);
  const engine = readyEngine(runtime);
  const template = runtime.chatTemplate;
  if (template === undefined) {
    throw new OpenAIHttpError(400, `model ${request.model} has no chat template in its GGUF; use /v1/completions with a raw prompt`, {
      code: "no_chat_template",
    });
  }
  const kwargs = templateKwargs(runtime.settings.defaultChatTemplateKwargs, request);
  const prompt = renderChatPrompt({
    template,
    messages: request.messages,
    tools: request.tools,
    addGenerationPrompt: request.addGenerationPrompt,
    chatTemplateKwargs: kwargs,
    bosToken: engine.model.tokens.bosString ?? "",
    eosToken: engine.model.tokens.eosString ?? "",
  });
  const promptTokens = tokenizePrompt(engine.model, prompt);
  const output = createChatOutput({
    parserName: runtime.settings.reasoningParser,
    reasoningField: runtime.settings.reasoningField,
    includeReasoning: request.includeReasoning,
    chatTemplateKwargs: kwargs,
    thinking: thinkingState(prompt),
  });
  const signal = abortOnDisconnect(res);
  const id = responseId("chatcmpl");
  const created = unixSeconds();
  const model = runtime.settings.modelId;

  if (!request.stream) {
    const result = await runGeneration(engine, promptTokens, request, { signal, defaultSeed: runtime.settings.defaultSeed });
    sendJson(res, 200, {
      id,
      object: "chat.completion",
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", ...output.message(result.text), tool_calls: [], refusal: null },
          logprobs: null,
          finish_reason: result.finishReason,
        },
      ],
      usage: usageOf(result),
    });
    return;
  }

  const chunk = (delta: Record<string, unknown>, finishReason: string | null): Record<string, unknown> => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(request.includeUsage ? { usage: null } : {}),
  });
  let sse: SseWriter | undefined;
  const stream = output.stream();
  let result: RunGenerationResult;
  try {
    result = await runGeneration(engine, promptTokens, request, {
      signal,
      defaultSeed: runtime.settings.defaultSeed,
      onStart: () => {
        sse = createSseWriter(res);
        sse.send(chunk({ role: "assistant", content: "" }, null));
      },
      onText: (text) => {
        const delta = stream.push(text);
        if (delta !== undefined) sse?.send(chunk(delta, null));
      },
    });
  } catch (error) {
    if (sse === undefined) throw error;
    sse.send(new OpenAIHttpError(500, error instanceof Error ? error.message : String(error)).toJSON());
    sse.done();
    return;
  }
  const writer = sse as SseWriter | undefined;
  if (writer === undefined) return;
  const rest = stream.end();
  if (rest !== undefined) writer.send(chunk(rest, null));
  writer.send(chunk({}, result.finishReason));
  if (request.includeUsage) writer.send({ id, object: "chat.completion.chunk", created, model, choices: [], usage: usageOf(result) });
  writer.done();
}

/**
 * The template variables from the model's `default_chat_template_kwargs` under the request's, with
 * `reasoning_effort` passed through and `"none"` meaning thinking off (unless the request set the switch itself).
 */
function templateKwargs(defaults: Readonly<Record<string, unknown>>, request: ChatRequest): Record<string, unknown> {
  const kwargs: Record<string, unknown> = { ...defaults };
  if (request.reasoningEffort !== undefined) {
    kwargs["reasoning_effort"] = request.reasoningEffort;
    if (request.reasoningEffort === "none") {
      kwargs["enable_thinking"] = false;
      kwargs["thinking"] = false;
    }
  }
  return { ...kwargs, ...request.chatTemplateKwargs };
}
