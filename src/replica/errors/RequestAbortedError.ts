/** The client went away (or the server is stopping) before or during generation. */
export class RequestAbortedError extends Error {
  public constructor(message = "the request was aborted") {
    super(message);
    this.name = "RequestAbortedError";
  }
}
