import { InvalidRequestError } from "../errors/InvalidRequestError.js";
import { QueueFullError } from "../errors/QueueFullError.js";
import { ChatTemplateError } from "../prompt/renderChatPrompt.js";
import { OpenAIHttpError } from "./OpenAIHttpError.js";

/**
 * The one place the replica's domain errors become HTTP: a request error (tools, structured output, embeddings, the
 * engine's prompt checks) is a 400 naming its field, a full queue a 503, a template that fails on the request's
 * messages a 400. Anything else is returned unchanged (the server answers it 500).
 */
export function toOpenAIHttpError(error: unknown): unknown {
  if (error instanceof OpenAIHttpError) return error;
  if (error instanceof InvalidRequestError) {
    return new OpenAIHttpError(error.status, error.message, { param: error.param, code: error.code ?? "invalid_value" });
  }
  if (error instanceof QueueFullError) {
    return new OpenAIHttpError(503, error.message, { code: "queue_full", headers: { "retry-after": "1" } });
  }
  if (error instanceof ChatTemplateError) return new OpenAIHttpError(400, error.message, { param: "messages", code: "chat_template_error" });
  return error;
}
