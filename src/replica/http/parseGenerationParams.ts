import type { GenerationParams } from "../engine/GenerationParams.js";
import { invalidField } from "./OpenAIHttpError.js";
import {
  describe,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  requiredModel,
  stopStrings,
} from "./requestFields.js";

const MAX_SEED = 2 ** 53;

/** Validates the shared fields; each bad one is a 400 that names it. `n` other than 1 is refused. */
export function parseGenerationParams(body: Record<string, unknown>): GenerationParams {
  const model = requiredModel(body);
  const n = optionalNumber(body, "n", { integer: true });
  if (n !== undefined && n !== 1) {
    throw invalidField("n", `'n' must be 1: this server generates one choice per request (got ${n}); send ${n} requests instead`);
  }
  const maxCompletionTokens = optionalNumber(body, "max_completion_tokens", { integer: true, min: 1 });
  const maxTokens = optionalNumber(body, "max_tokens", { integer: true, min: 1 });
  const stream = optionalBoolean(body, "stream") ?? false;
  const streamOptions = optionalObject(body, "stream_options");
  if (streamOptions !== undefined && !stream) {
    throw invalidField("stream_options", "'stream_options' is only allowed when 'stream' is true");
  }
  const includeUsage = streamOptions === undefined ? false : (optionalBoolean(streamOptions, "include_usage") ?? false);
  optionalString(body, "user");
  // Accepted and not acted on, but a value of the wrong type is still the client's mistake.
  optionalBoolean(body, "store");
  optionalObject(body, "metadata");
  optionalString(body, "service_tier");
  unsupportedAbove(body, "prompt_logprobs", 0);
  const best = optionalNumber(body, "best_of", { integer: true });
  if (best !== undefined && best !== 1) throw invalidField("best_of", `'best_of' must be 1 (got ${best})`);

  return {
    model,
    maxTokens: maxCompletionTokens ?? maxTokens,
    stop: stopStrings(body),
    stream,
    includeUsage,
    sampling: {
      temperature: optionalNumber(body, "temperature", { min: 0, max: 2 }),
      topP: optionalNumber(body, "top_p", { min: 0, max: 1, exclusiveMin: true }),
      topK: optionalNumber(body, "top_k", { integer: true, min: -1 }),
      minP: optionalNumber(body, "min_p", { min: 0, max: 1 }),
      seed: optionalNumber(body, "seed", { integer: true, min: -MAX_SEED, max: MAX_SEED }),
      presencePenalty: optionalNumber(body, "presence_penalty", { min: -2, max: 2 }),
      frequencyPenalty: optionalNumber(body, "frequency_penalty", { min: -2, max: 2 }),
      repetitionPenalty: optionalNumber(body, "repetition_penalty", { min: 0, max: 2, exclusiveMin: true }),
      logitBias: logitBias(body),
    },
  };
}

/**
 * An integer field this server cannot honour beyond `allowed` (logprobs): a bad value is named as such, a valid one
 * above `allowed` is refused as unsupported.
 */
export function unsupportedAbove(body: Record<string, unknown>, name: string, allowed: number, max?: number): void {
  const value = optionalNumber(body, name, { integer: true, min: 0, ...(max !== undefined ? { max } : {}) });
  if (value !== undefined && value > allowed) throw invalidField(name, `'${name}' is not supported by this server (got ${value})`);
}

function logitBias(body: Record<string, unknown>): Record<string, number> | undefined {
  const value = optionalObject(body, "logit_bias");
  if (value === undefined) return undefined;
  const result: Record<string, number> = {};
  for (const [token, bias] of Object.entries(value)) {
    if (!/^\d+$/.test(token)) {
      throw invalidField("logit_bias", `'logit_bias' keys must be token ids (got ${JSON.stringify(token)})`);
    }
    if (typeof bias !== "number" || !Number.isFinite(bias) || bias < -100 || bias > 100) {
      throw invalidField("logit_bias", `'logit_bias' values must be numbers from -100 to 100 (got ${describe(bias)} for token ${token})`);
    }
    result[token] = bias;
  }
  return result;
}
