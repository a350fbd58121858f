import { invalidField } from "./OpenAIHttpError.js";
import type { GenerationParams } from "../engine/GenerationParams.js";
import { parseGenerationParams, unsupportedAbove } from "./parseGenerationParams.js";
import { describe, optionalBoolean, optionalString } from "./requestFields.js";

export interface CompletionRequest extends GenerationParams {
  /** The prompt text, or token ids when the client sent ids. */
  readonly prompt: string | readonly number[];
}

/** OpenAI's bound on a completion's `logprobs`. */
const MAX_LOGPROBS = 5;

/** Validates a `/v1/completions` body: one prompt (a string, a list of one string, or token ids). */
export function parseCompletionRequest(body: Record<string, unknown>): CompletionRequest {
  const params = parseGenerationParams(body);
  unsupportedAbove(body, "logprobs", 0, MAX_LOGPROBS);
  if (optionalBoolean(body, "echo") === true) throw invalidField("echo", "'echo' is not supported by this server");
  if (optionalString(body, "suffix") !== undefined) throw invalidField("suffix", "'suffix' is not supported by this server");
  return { ...params, prompt: parsePrompt(body["prompt"]) };
}

function parsePrompt(value: unknown): string | readonly number[] {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    if (value.length === 1 && typeof value[0] === "string") return value[0];
    if (value.length > 0 && value.every((item) => Number.isInteger(item) && (item as number) >= 0)) return value as number[];
    if (value.length > 1 && value.every((item) => typeof item === "string")) {
      throw invalidField("prompt", "'prompt' must be a single prompt; send one request per prompt (batched prompts are not supported)");
    }
  }
  throw invalidField("prompt", `'prompt' must be a string or a list of token ids (got ${describe(value)})`);
}
