import { InvalidRequestError } from "../errors/InvalidRequestError.js";

/**
 * A structured-output or tool request the server cannot honour (a schema it cannot enforce, a bad regex, two
 * constraints at once). The replica answers it as an OpenAI error with `status` 400 and `param`.
 */
export class StructuredOutputError extends InvalidRequestError {}
