import { OpenAIHttpError } from "../OpenAIHttpError.js";
import { readJsonBody } from "../readJsonBody.js";
import { assertModel } from "../readyEngine.js";
import { requiredModel } from "../requestFields.js";
import type { RouteContext } from "../RouteContext.js";

/** `POST /v1/embeddings`: validated like the others, then refused: this replica serves a generative model. */
export async function embeddings(ctx: RouteContext): Promise<void> {
  const body = await readJsonBody(ctx.req, ctx.runtime.settings.maxBodyBytes);
  assertModel(ctx.runtime, requiredModel(body));
  throw new OpenAIHttpError(400, `model ${ctx.runtime.settings.modelId} is served for generation; embeddings are not supported`, {
    code: "embeddings_not_supported",
  });
}
