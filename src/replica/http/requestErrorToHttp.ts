import { InvalidRequestError } from "../errors/InvalidRequestError.js";
import { OpenAIHttpError } from "./OpenAIHttpError.js";

/** Runs `fn`, turning the 400s of the tools / structured-output / embeddings modules into OpenAIHttpError. */
export function requestErrorToHttp<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toOpenAIHttpError(error);
  }
}

/** The OpenAIHttpError for a module's request error; anything else is returned unchanged. */
export function toOpenAIHttpError(error: unknown): unknown {
  if (error instanceof InvalidRequestError) {
    return new OpenAIHttpError(error.status, error.message, { param: error.param, code: error.code ?? "invalid_value" });
  }
  return error;
}
