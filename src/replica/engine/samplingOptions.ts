import { TokenBias, type LlamaModel, type SequenceEvaluateOptions, type Token } from "node-llama-cpp";

/** OpenAI sampling fields of one request, already validated. Absent fields take OpenAI's defaults here. */
export interface SamplingRequest {
  readonly temperature?: number | undefined;
  readonly topP?: number | undefined;
  readonly topK?: number | undefined;
  readonly minP?: number | undefined;
  readonly seed?: number | undefined;
  readonly presencePenalty?: number | undefined;
  readonly frequencyPenalty?: number | undefined;
  readonly repetitionPenalty?: number | undefined;
  /** Token id (as a decimal string, as OpenAI sends it) to a bias in -100..100. */
  readonly logitBias?: Readonly<Record<string, number>> | undefined;
}

/** Presence/frequency penalties look at this many of the latest generated tokens (OpenAI: the whole completion). */
const MAX_PENALTY_WINDOW = 4096;

/**
 * Maps an OpenAI request's sampling fields to node-llama-cpp's evaluate options, setting every default explicitly
 * because node-llama-cpp's differ (it is greedy with topK 40, topP 0.95 and a clock seed by default):
 * temperature 1, top_p 1, top_k off, min_p 0, a random seed, no penalties, no bias.
 */
export function samplingOptions(
  request: SamplingRequest,
  model: LlamaModel,
  generated: () => readonly Token[],
  maxTokens: number,
  defaultSeed: number | undefined,
): SequenceEvaluateOptions {
  const options: SequenceEvaluateOptions = {
    temperature: request.temperature ?? 1,
    topP: request.topP ?? 1,
    topK: request.topK !== undefined && request.topK > 0 ? request.topK : 0,
    minP: request.minP ?? 0,
    seed: request.seed ?? defaultSeed ?? Math.floor(Math.random() * 0xffff_ffff),
  };
  const presencePenalty = request.presencePenalty ?? 0;
  const frequencyPenalty = request.frequencyPenalty ?? 0;
  const repetitionPenalty = request.repetitionPenalty ?? 1;
  if (presencePenalty !== 0 || frequencyPenalty !== 0 || repetitionPenalty !== 1) {
    const window = Math.max(1, Math.min(maxTokens, MAX_PENALTY_WINDOW));
    options.repeatPenalty = {
      punishTokens: () => generated().slice(-window),
      maxPunishTokens: window,
      penalty: repetitionPenalty,
      presencePenalty,
      frequencyPenalty,
    };
  }
  if (request.logitBias !== undefined && Object.keys(request.logitBias).length > 0) {
    const bias = new TokenBias(model.tokenizer);
    for (const [token, value] of Object.entries(request.logitBias)) {
      bias.set(Number(token) as Token, value <= -100 ? "never" : { logit: value });
    }
    options.tokenBias = bias;
  }
  return options;
}
