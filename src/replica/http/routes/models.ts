import { modelNotFoundMessage } from "../../../protocol/httpContract.js";
import { OpenAIHttpError } from "../OpenAIHttpError.js";
import type { RouteContext } from "../RouteContext.js";
import { sendJson } from "../sendJson.js";

function modelCard(ctx: RouteContext): Record<string, unknown> {
  const { runtime } = ctx;
  return {
    id: runtime.settings.modelId,
    object: "model",
    created: runtime.startedAt,
    owned_by: "llmserve",
    root: runtime.settings.modelId,
    parent: null,
    max_model_len: runtime.engine?.contextSize ?? runtime.settings.contextSize ?? null,
  };
}

/** `GET /v1/models`: this replica's one model (listed while loading too, as it is configured). */
export async function listModels(ctx: RouteContext): Promise<void> {
  sendJson(ctx.res, 200, { object: "list", data: [modelCard(ctx)] });
}

/** `GET /v1/models/{id}`. */
export async function retrieveModel(ctx: RouteContext, id: string): Promise<void> {
  if (id !== ctx.runtime.settings.modelId) {
    throw new OpenAIHttpError(404, modelNotFoundMessage(id, [ctx.runtime.settings.modelId]), { param: "model", code: "model_not_found" });
  }
  sendJson(ctx.res, 200, modelCard(ctx));
}
