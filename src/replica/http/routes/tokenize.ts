import type { Token } from "node-llama-cpp";
import { tokenizePrompt } from "../../engine/tokenizePrompt.js";
import { renderChatPrompt } from "../../prompt/renderChatPrompt.js";
import { invalidField, OpenAIHttpError } from "../OpenAIHttpError.js";
import { parseChatRequest } from "../parseChatRequest.js";
import { readJsonBody } from "../readJsonBody.js";
import { assertModel, readyEngine } from "../readyEngine.js";
import { describe, optionalBoolean, optionalObject } from "../requestFields.js";
import type { RouteContext } from "../RouteContext.js";
import { sendJson } from "../sendJson.js";

/**
 * `POST /tokenize` (vLLM's shape): `{prompt}` or `{messages, add_generation_prompt?, chat_template_kwargs?}` →
 * `{count, max_model_len, tokens}`. Chat messages are rendered with the model's template exactly as for a request.
 */
export async function tokenize(ctx: RouteContext): Promise<void> {
  const { runtime } = ctx;
  const body = await readJsonBody(ctx.req, undefined, { keepFloats: true });
  if (typeof body["model"] === "string") assertModel(runtime, body["model"]);
  const engine = readyEngine(runtime);
  let tokens: Token[];
  if (body["messages"] !== undefined) {
    if (runtime.chatTemplate === undefined) throw new OpenAIHttpError(400, "the model has no chat template", { param: "messages" });
    const request = parseChatRequest({ ...body, model: runtime.settings.modelId });
    const prompt = renderChatPrompt({
      template: runtime.chatTemplate,
      messages: request.messages,
      tools: request.tools,
      addGenerationPrompt: optionalBoolean(body, "add_generation_prompt") ?? true,
      chatTemplateKwargs: { ...runtime.settings.defaultChatTemplateKwargs, ...(optionalObject(body, "chat_template_kwargs") ?? {}) },
      bosToken: engine.model.tokens.bosString ?? "",
      eosToken: engine.model.tokens.eosString ?? "",
    });
    tokens = tokenizePrompt(engine.model, prompt);
  } else if (typeof body["prompt"] === "string") {
    tokens = tokenizePrompt(engine.model, body["prompt"]);
  } else {
    throw invalidField("prompt", `'prompt' (a string) or 'messages' is required (got ${describe(body["prompt"])})`);
  }
  sendJson(ctx.res, 200, { count: tokens.length, max_model_len: engine.contextSize, tokens });
}

/** `POST /detokenize`: `{tokens}` → `{prompt}`. */
export async function detokenize(ctx: RouteContext): Promise<void> {
  const { runtime } = ctx;
  const body = await readJsonBody(ctx.req);
  if (typeof body["model"] === "string") assertModel(runtime, body["model"]);
  const engine = readyEngine(runtime);
  const tokens = body["tokens"];
  const vocabulary = engine.model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? Number.MAX_SAFE_INTEGER;
  if (!Array.isArray(tokens) || !tokens.every((token) => Number.isInteger(token) && token >= 0 && token < vocabulary)) {
    throw invalidField("tokens", `'tokens' must be a list of token ids from 0 to ${vocabulary - 1}`);
  }
  sendJson(ctx.res, 200, { prompt: engine.model.detokenize(tokens as Token[], true) });
}
