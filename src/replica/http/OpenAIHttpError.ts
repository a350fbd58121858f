import { openAIErrorEnvelope, type OpenAIErrorEnvelope, type OpenAIErrorFields } from "../../protocol/openAIErrorEnvelope.js";

/**
 * An error answered in OpenAI's shape `{"error":{"message","type","param","code"}}` with an HTTP status.
 * Route handlers throw it; the server renders it (and nothing else) as the error body.
 */
export class OpenAIHttpError extends Error {
  public readonly status: number;
  public readonly type: string;
  public readonly param: string | null;
  public readonly code: string | null;
  public readonly headers: Readonly<Record<string, string>>;

  public constructor(status: number, message: string, options: OpenAIErrorFields & { headers?: Record<string, string> } = {}) {
    super(message);
    this.name = "OpenAIHttpError";
    this.status = status;
    const { error } = openAIErrorEnvelope(status, message, options);
    this.type = error.type;
    this.param = error.param;
    this.code = error.code;
    this.headers = options.headers ?? {};
  }

  public toJSON(): OpenAIErrorEnvelope {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** 400 for a bad field: the message names the field and what is allowed. */
export function invalidField(param: string, message: string): OpenAIHttpError {
  return new OpenAIHttpError(400, message, { param, code: "invalid_value" });
}
