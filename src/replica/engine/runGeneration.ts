import type { GenerationTimings } from "./GenerationTimings.js";
import type { Token } from "node-llama-cpp";
import { InvalidRequestError } from "../errors/InvalidRequestError.js";
import type { ConstrainedSampling } from "../structured/createConstrainedSampling.js";
import type { Engine } from "./Engine.js";
import type { GenerationParams } from "./GenerationParams.js";
import { generateText, type GenerateTextResult } from "./generateText.js";
import type { GenerationReasoning } from "./GenerationReasoning.js";

export interface RunGenerationResult extends GenerateTextResult {
  readonly promptTokens: number;
  readonly timings: GenerationTimings;
}

export interface RunGenerationOptions {
  signal: AbortSignal;
  defaultSeed: number | undefined;
  /** Called once a sequence is assigned, just before generation starts (streams send their headers here). */
  onStart?: () => void;
  onText?: (delta: string) => void | Promise<void>;
  /** A grammar applied to the content only (structured output, forced tool calls). */
  constrained?: ConstrainedSampling;
  /** Reasoning token counting and the thinking budget (see `createGenerationReasoning`). */
  reasoning?: GenerationReasoning | undefined;
}

/**
 * Checks that the prompt and the requested completion fit one sequence (400 otherwise: old messages are never
 * dropped silently), waits for a sequence (503 when the queue is full), generates, and frees the sequence at
 * once when done, failed or aborted.
 */
export async function runGeneration(
  engine: Engine,
  promptTokens: readonly Token[],
  params: GenerationParams,
  options: RunGenerationOptions,
): Promise<RunGenerationResult> {
  const contextSize = engine.contextSize;
  const promptLength = promptTokens.length;
  if (promptLength === 0) throw new InvalidRequestError("the prompt is empty", "prompt", "invalid_value");
  const maxTokens = params.maxTokens ?? contextSize - promptLength;
  if (promptLength + Math.max(1, maxTokens) > contextSize) {
    throw new InvalidRequestError(
      `This model's maximum context length is ${contextSize} tokens. However, you requested ` +
        `${promptLength + (params.maxTokens ?? 1)} tokens (${promptLength} in the prompt, ${params.maxTokens ?? 1} for the completion). ` +
        "Please reduce the length of the messages or the completion.",
      params.maxTokens === undefined ? "messages" : "max_tokens",
      "context_length_exceeded",
    );
  }
  const receivedAt = performance.now();
  const lease = await engine.pool.acquire(promptTokens, options.signal);
  const startedAt = performance.now();
  let firstTokenAt: number | undefined;
  try {
    options.onStart?.();
    const result = await generateText({
      sequence: lease.resource,
      model: engine.model,
      promptTokens,
      maxTokens,
      sampling: params.sampling,
      defaultSeed: options.defaultSeed,
      stop: params.stop,
      signal: options.signal,
      onText: (delta) => {
        firstTokenAt ??= performance.now();
        return options.onText?.(delta);
      },
      grammarEvaluationState: options.constrained?.grammarEvaluationState,
      bannedAfter: options.constrained?.bannedAfter,
      onPiece: options.constrained?.onText,
      reasoning: options.reasoning,
    });
    firstTokenAt ??= result.completionTokens > 0 ? performance.now() : undefined;
    return { ...result, promptTokens: promptLength, timings: { receivedAt, startedAt, firstTokenAt, endedAt: performance.now() } };
  } finally {
    lease.release();
  }
}
