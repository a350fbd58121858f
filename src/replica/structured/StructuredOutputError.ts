/**
 * A structured-output or tool request the server cannot honour (a schema it cannot enforce, a bad regex, two
 * constraints at once). The replica answers it as an OpenAI error with `status` 400 and `param`.
 */
export class StructuredOutputError extends Error {
  public readonly status = 400;
  public readonly type = "invalid_request_error";
  public readonly param: string | null;
  public readonly code: string | null;

  public constructor(message: string, param: string | null, code: string | null = null) {
    super(message);
    this.name = "StructuredOutputError";
    this.param = param;
    this.code = code;
  }
}
