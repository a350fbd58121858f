/** Anthropic's error body, for the `/v1/messages` routes: `{"type":"error","error":{"type","message"}}`. */
export interface AnthropicErrorEnvelope {
  type: "error";
  error: { type: string; message: string };
}

const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  408: "timeout_error",
  413: "request_too_large",
  429: "rate_limit_error",
  503: "overloaded_error",
  529: "overloaded_error",
};

/** The Anthropic error envelope for an HTTP `status` (Anthropic's error type for it) and `message`. */
export function anthropicErrorEnvelope(status: number, message: string): AnthropicErrorEnvelope {
  const type = TYPE_BY_STATUS[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
  return { type: "error", error: { type, message } };
}

/** Whether a path (route prefix already removed) is one of the Anthropic routes, whose errors take Anthropic's shape. */
export function isAnthropicPath(path: string): boolean {
  return path === "/v1/messages" || path === "/v1/messages/count_tokens";
}
