import type { Token } from "node-llama-cpp";
import { tokenizeForGeneration } from "../../engine/tokenizeForGeneration.js";
import { runGeneration } from "../../engine/runGeneration.js";
import { abortOnDisconnect } from "../abortOnDisconnect.js";
import { invalidField } from "../OpenAIHttpError.js";
import { responseId, unixSeconds } from "../openaiIds.js";
import { parseCompletionRequest } from "../parseCompletionRequest.js";
import { readJsonBody } from "../readJsonBody.js";
import { assertModel, readyEngine } from "../readyEngine.js";
import type { RouteContext } from "../RouteContext.js";
import { sendJson } from "../sendJson.js";
import { streamGeneration } from "../streamGeneration.js";
import { usageOf } from "../usageOf.js";
import { timingsOf } from "../timingsOf.js";

/** `POST /v1/completions`: the raw prompt, no chat template, no reasoning split (as vLLM). */
export async function completions(ctx: RouteContext): Promise<void> {
  const { runtime, res } = ctx;
  const body = await readJsonBody(ctx.req);
  const request = parseCompletionRequest(body);
  assertModel(runtime, request.model);
  const engine = readyEngine(runtime);
  let promptTokens: Token[];
  if (typeof request.prompt === "string") {
    promptTokens = tokenizeForGeneration(engine, request.prompt, "prompt");
  } else {
    const vocabularySize = vocabSize(engine.model);
    const bad = request.prompt.find((token) => token >= vocabularySize);
    if (bad !== undefined) throw invalidField("prompt", `token id ${bad} is outside the vocabulary (0..${vocabularySize - 1})`);
    promptTokens = request.prompt.map((token) => token as Token);
  }
  const signal = abortOnDisconnect(res);
  const id = responseId("cmpl");
  const created = unixSeconds();
  const model = runtime.settings.modelId;
  const choice = (text: string, finishReason: string | null): Record<string, unknown> => ({
    index: 0,
    text,
    logprobs: null,
    finish_reason: finishReason,
  });

  if (!request.stream) {
    const result = await runGeneration(engine, promptTokens, request, { signal, defaultSeed: runtime.settings.defaultSeed });
    sendJson(res, 200, {
      id,
      object: "text_completion",
      created,
      model,
      choices: [choice(result.text, result.finishReason)],
      usage: usageOf({ promptTokens: result.promptTokens, completionTokens: result.completionTokens }),
      timings: timingsOf(result),
    });
    return;
  }

  const chunk = (text: string, finishReason: string | null): Record<string, unknown> => ({
    id,
    object: "text_completion",
    created,
    model,
    choices: [choice(text, finishReason)],
    ...(request.includeUsage ? { usage: null } : {}),
  });
  const streamed = await streamGeneration(res, engine, promptTokens, request, {
    signal,
    defaultSeed: runtime.settings.defaultSeed,
    onText: (text, sse) => sse.send(chunk(text, null)),
  });
  if (streamed === undefined) return;
  const { result, sse: writer } = streamed;
  writer.send({ ...chunk("", result.finishReason), timings: timingsOf(result) });
  if (request.includeUsage) writer.send({ id, object: "text_completion", created, model, choices: [], usage: usageOf({ promptTokens: result.promptTokens, completionTokens: result.completionTokens }) });
  writer.done();
}

function vocabSize(model: { fileInfo: { metadata: { tokenizer?: { ggml?: { tokens?: readonly unknown[] } } } } }): number {
  return model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? Infinity;
}
