import { InvalidRequestError } from "../errors/InvalidRequestError.js";

/** A `/v1/embeddings` request that cannot be served as sent; answered as an OpenAI 400 naming `param`. */
export class EmbeddingsRequestError extends InvalidRequestError {}
