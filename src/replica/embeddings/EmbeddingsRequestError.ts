/** A `/v1/embeddings` request that cannot be served as sent; answered as an OpenAI 400 naming `param`. */
export class EmbeddingsRequestError extends Error {
  public readonly status = 400;
  public readonly type = "invalid_request_error";
  public readonly param: string | null;
  public readonly code: string | null = null;

  public constructor(message: string, param: string | null) {
    super(message);
    this.name = "EmbeddingsRequestError";
    this.param = param;
  }
}
