/** OpenAI's error body, the one shape every llmserve HTTP error takes (replica and controller alike). */
export interface OpenAIErrorEnvelope {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface OpenAIErrorFields {
  /** Defaults to `server_error` for a 5xx status, else `invalid_request_error`. */
  type?: string;
  /** The request field at fault. Defaults to null. */
  param?: string | null;
  /** A machine-readable reason such as `model_not_found`. Defaults to null. */
  code?: string | null;
}

/** The OpenAI error envelope for an HTTP `status` and `message`, with OpenAI's defaults for what is not given. */
export function openAIErrorEnvelope(status: number, message: string, fields: OpenAIErrorFields = {}): OpenAIErrorEnvelope {
  return {
    error: {
      message,
      type: fields.type ?? (status >= 500 ? "server_error" : "invalid_request_error"),
      param: fields.param ?? null,
      code: fields.code ?? null,
    },
  };
}
