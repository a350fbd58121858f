/**
 * What the controller's and the replica's HTTP servers agree on, so a client sees one behaviour whichever answers.
 *
 * The body limit is the replica's 16 MiB: the controller forwards bodies to a replica, so accepting more (it used to
 * take 64 MiB) only moved the 413 one hop later, after buffering the body twice. 16 MiB of JSON is far beyond any
 * context llama.cpp serves (a 128k-token prompt is ~0.5 MB of text).
 */
export const MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024;

/** The 413 message for a body over `maxBytes`. */
export function bodyTooLargeMessage(maxBytes: number): string {
  return `The request body is larger than the limit of ${maxBytes} bytes.`;
}

/** The 404 `model_not_found` message, naming what is served so the client can fix its `model` field. */
export function modelNotFoundMessage(requested: string, available: readonly string[]): string {
  return `The model '${requested}' does not exist. Available models: ${available.join(", ") || "none"}.`;
}
