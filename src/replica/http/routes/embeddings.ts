import { abortOnDisconnect } from "../abortOnDisconnect.js";
import { OpenAIHttpError } from "../OpenAIHttpError.js";
import { readJsonBody } from "../readJsonBody.js";
import { assertModel, readyEngine } from "../readyEngine.js";
import { toOpenAIHttpError } from "../toOpenAIHttpError.js";
import { requiredModel } from "../requestFields.js";
import type { RouteContext } from "../RouteContext.js";
import { sendJson } from "../sendJson.js";

/**
 * `POST /v1/embeddings`: served when the model is configured for embeddings (`engine_kwargs.task: embed`,
 * `runner: pooling` or `convert: embed`); otherwise a 400 that says so.
 */
export async function embeddings(ctx: RouteContext): Promise<void> {
  const { runtime } = ctx;
  const body = await readJsonBody(ctx.req);
  assertModel(runtime, requiredModel(body));
  if (!runtime.settings.embeddings) {
    throw new OpenAIHttpError(400, `model ${runtime.settings.modelId} is served for generation; embeddings are not supported ` +
      "(set engine_kwargs.task: embed to serve it for embeddings)", { code: "embeddings_not_supported" });
  }
  readyEngine(runtime);
  const service = runtime.embeddings;
  if (service === undefined) throw new OpenAIHttpError(503, "the embedding contexts are not ready yet", { code: "not_ready" });
  try {
    sendJson(ctx.res, 200, await service.embed(body, abortOnDisconnect(ctx.res)));
  } catch (error) {
    throw toOpenAIHttpError(error);
  }
}
