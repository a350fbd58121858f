import { runGeneration } from "../../engine/runGeneration.js";
import { tokenizePrompt } from "../../engine/tokenizePrompt.js";
import { renderChatPrompt } from "../../prompt/renderChatPrompt.js";
import { thinkingState } from "../../prompt/thinkingState.js";
import { abortOnDisconnect } from "../abortOnDisconnect.js";
import { createChatSampling, resolveChatConstraints } from "../chatConstraints.js";
import { createChatOutput } from "../createChatOutput.js";
import type { SseWriter } from "../createSseWriter.js";
import { OpenAIHttpError } from "../OpenAIHttpError.js";
import { responseId, unixSeconds } from "../openaiIds.js";
import { parseChatRequest, type ChatRequest } from "../parseChatRequest.js";
import { readJsonBody } from "../readJsonBody.js";
import { assertModel, readyEngine } from "../readyEngine.js";
import type { RouteContext } from "../RouteContext.js";
import { sendJson } from "../sendJson.js";
import { streamGeneration } from "../streamGeneration.js";
import { usageOf } from "../usageOf.js";
import { timingsOf } from "../timingsOf.js";

/** `POST /v1/chat/completions`: renders the model's chat template, generates, splits reasoning, answers or streams. */
export async function chatCompletions(ctx: RouteContext): Promise<void> {
  const { runtime, res } = ctx;
  const body = await readJsonBody(ctx.req, undefined, { keepFloats: true });
  const request = parseChatRequest(body);
  assertModel(runtime, request.model);
  const constraints = resolveChatConstraints(body, runtime.settings);
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
    tools: constraints.tooling.templateTools,
    addGenerationPrompt: request.addGenerationPrompt,
    chatTemplateKwargs: kwargs,
    bosToken: engine.model.tokens.bosString ?? "",
    eosToken: engine.model.tokens.eosString ?? "",
  });
  const promptTokens = tokenizePrompt(engine.model, prompt);
  const thinking = thinkingState(prompt, runtime.settings.reasoningTags);
  const output = createChatOutput({
    parserName: runtime.settings.reasoningParser,
    reasoningField: runtime.settings.reasoningField,
    includeReasoning: request.includeReasoning,
    chatTemplateKwargs: kwargs,
    thinking,
    keepToolCallText: constraints.tooling.parser?.name === "openai",
    thinkTags: runtime.settings.reasoningTags,
  });
  const constrained = await createChatSampling({ constraints, engine, settings: runtime.settings, chatTemplateKwargs: kwargs, thinking });
  const toolParser = constraints.tooling.parser;
  const validate = constraints.structured?.validate;
  const signal = abortOnDisconnect(res);
  const id = responseId("chatcmpl");
  const created = unixSeconds();
  const model = runtime.settings.modelId;

  if (!request.stream) {
    const result = await runGeneration(engine, promptTokens, request, { signal, defaultSeed: runtime.settings.defaultSeed, constrained });
    const fields = output.message(result.text);
    const content = fields["content"];
    const extraction = toolParser !== undefined && typeof content === "string" ? toolParser.extract(content) : undefined;
    if (extraction !== undefined) fields["content"] = extraction.content;
    const toolCalls = extraction?.toolCalls ?? [];
    if (validate !== undefined && result.finishReason === "stop" && toolCalls.length === 0) {
      const check = validate(fields["content"] ?? "");
      if (!check.ok) throw new OpenAIHttpError(500, check.message, { code: "structured_output_invalid" });
    }
    sendJson(res, 200, {
      id,
      object: "chat.completion",
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", ...fields, tool_calls: toolCalls, refusal: null },
          logprobs: null,
          finish_reason: toolCalls.length > 0 ? "tool_calls" : result.finishReason,
        },
      ],
      usage: usageOf(result),
      timings: timingsOf(result),
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
  const stream = output.stream();
  const toolStream = toolParser?.stream();
  let streamedContent = "";
  // Reasoning deltas go out as they are; content goes through the tool-call parser first (never the reasoning).
  const sendDelta = (sse: SseWriter, delta: Record<string, string> | undefined, toolsEnded: boolean): void => {
    const fields: Record<string, string> = { ...delta };
    const toolDeltas = [];
    if (toolStream !== undefined) {
      const content = fields["content"];
      delete fields["content"];
      if (content !== undefined) toolDeltas.push(toolStream.push(content));
      if (toolsEnded) toolDeltas.push(toolStream.end());
      const text = toolDeltas.map((piece) => piece.content ?? "").join("");
      if (text !== "") fields["content"] = text;
    }
    streamedContent += fields["content"] ?? "";
    if (Object.keys(fields).length > 0) sse.send(chunk(fields, null));
    for (const call of toolDeltas.flatMap((piece) => piece.toolCalls)) sse.send(chunk({ tool_calls: [call] } as never, null));
  };
  const streamed = await streamGeneration(res, engine, promptTokens, request, {
    signal,
    defaultSeed: runtime.settings.defaultSeed,
    constrained,
    onStart: (sse) => sse.send(chunk({ role: "assistant", content: "" }, null)),
    onText: (text, sse) => sendDelta(sse, stream.push(text), false),
  });
  if (streamed === undefined) return;
  const { result, sse: writer } = streamed;
  sendDelta(writer, stream.end(), true);
  const calledTools = (toolStream?.toolCallCount ?? 0) > 0;
  if (validate !== undefined && result.finishReason === "stop" && !calledTools) {
    const check = validate(streamedContent);
    if (!check.ok) writer.send(new OpenAIHttpError(500, check.message, { code: "structured_output_invalid" }).toJSON());
  }
  writer.send({ ...chunk({}, calledTools ? "tool_calls" : result.finishReason), timings: timingsOf(result) });
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
