/**
 * A request the replica cannot serve as sent: answered as an OpenAI 400 `invalid_request_error` naming `param`
 * (see `toOpenAIHttpError`). The tools, structured-output and embeddings modules each throw their own subclass,
 * so they need not know about HTTP.
 */
export class InvalidRequestError extends Error {
  public readonly status = 400;
  public readonly type = "invalid_request_error";
  public readonly param: string | null;
  public readonly code: string | null;

  public constructor(message: string, param: string | null, code: string | null = null) {
    super(message);
    this.name = new.target.name;
    this.param = param;
    this.code = code;
  }
}
