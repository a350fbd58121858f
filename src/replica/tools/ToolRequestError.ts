/** A chat request whose `tools` / `tool_choice` cannot be served; answered as an OpenAI 400 naming `param`. */
export class ToolRequestError extends Error {
  public readonly status = 400;
  public readonly type = "invalid_request_error";
  public readonly param: string | null;
  public readonly code: string | null = null;

  public constructor(message: string, param: string | null) {
    super(message);
    this.name = "ToolRequestError";
    this.param = param;
  }
}
