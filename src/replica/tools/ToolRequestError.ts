import { InvalidRequestError } from "../errors/InvalidRequestError.js";

/** A chat request whose `tools` / `tool_choice` cannot be served; answered as an OpenAI 400 naming `param`. */
export class ToolRequestError extends InvalidRequestError {}
