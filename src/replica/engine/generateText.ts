import type { LlamaModel, SequenceEvaluateOptions, Token } from "node-llama-cpp";
import { RequestAbortedError } from "../errors/RequestAbortedError.js";
import { createStopMatcher } from "./createStopMatcher.js";
import { endsGeneration } from "./endsGeneration.js";
import type { GenerationEvaluateOptions, GenerationSequence } from "./GenerationSequence.js";
import { samplingOptions, type SamplingRequest } from "./samplingOptions.js";

export interface GenerateTextOptions {
  readonly sequence: GenerationSequence;
  readonly model: LlamaModel;
  /** The whole prompt; the part already cached in the sequence is not evaluated again. */
  readonly promptTokens: readonly Token[];
  /** Hard cap on generated tokens (the caller has checked that prompt + maxTokens fits the context). */
  readonly maxTokens: number;
  readonly sampling: SamplingRequest;
  readonly defaultSeed: number | undefined;
  readonly stop: readonly string[];
  readonly signal: AbortSignal;
  /**
   * Called with each piece of text as soon as it is final (stop strings already cut). A returned promise pauses
   * generation until it settles (backpressure from a slow streaming client).
   */
  readonly onText?: ((delta: string) => void | Promise<void>) | undefined;
  /**
   * A grammar (structured output, forced tool calls), resolved before each token is sampled so that it can switch
   * on mid-generation once the reasoning has ended (see `createConstrainedSampling`).
   */
  readonly grammarEvaluationState?: SequenceEvaluateOptions["grammarEvaluationState"];
  /** Tokens that must not follow the latest generated token (see `ConstrainedSampling.bannedAfter`). */
  readonly bannedAfter?: ((previous: Token) => readonly Token[]) | undefined;
  /** Called with the decoded text of each token before stop strings are applied (drives the grammar gate). */
  readonly onPiece?: ((piece: string) => void) | undefined;
}

export interface GenerateTextResult {
  readonly text: string;
  readonly finishReason: "stop" | "length";
  /** Tokens really sampled, the end-of-generation token included (as vLLM counts them). */
  readonly completionTokens: number;
}

const REPLACEMENT_CHAR = "\uFFFD";

/**
 * Runs one generation on a sequence with node-llama-cpp's low-level `evaluate`: re-uses the cached prefix,
 * samples with OpenAI defaults, detokenizes incrementally (holding back split UTF-8 characters), cuts at stop
 * strings and stops at `maxTokens`. The context never shifts: overflowing is an error, never a silent drop.
 * Throws `RequestAbortedError` once `signal` fires (checked after every token).
 */
export async function generateText(options: GenerateTextOptions): Promise<GenerateTextResult> {
  const { sequence, model, signal } = options;
  if (signal.aborted) throw new RequestAbortedError();
  const input = [...options.promptTokens];
  const last = input.pop();
  if (last === undefined) throw new Error("generateText: empty prompt");
  await sequence.adaptStateToTokens(input, false);
  const toEvaluate = [...input.slice(sequence.nextTokenIndex), last];

  const generated: Token[] = [];
  const stopMatcher = createStopMatcher(options.stop);
  let text = "";
  const emit = async (piece: string): Promise<void> => {
    if (piece === "") return;
    text += piece;
    await options.onText?.(piece);
  };
  const evaluateOptions: GenerationEvaluateOptions = {
    ...samplingOptions(options.sampling, model, () => generated, options.maxTokens, options.defaultSeed, options.bannedAfter),
    yieldEogToken: true,
    maxTokens: options.maxTokens,
    grammarEvaluationState: options.grammarEvaluationState,
    contextShift: {
      strategy: (): never => {
        throw new Error("the context is full (context shift is disabled)");
      },
    },
  };

  let pendingPartial: Token[] = [];
  let finishReason: "stop" | "length" = "length";
  let cutAtStopString = false;
  for await (const token of sequence.evaluate(toEvaluate, evaluateOptions)) {
    if (signal.aborted) throw new RequestAbortedError();
    generated.push(token);
    if (endsGeneration(model, token)) {
      finishReason = "stop";
      break;
    }
    const tokens = [...pendingPartial, token];
    const piece = model.detokenize(tokens, false, generated.slice(-tokens.length - 8, -tokens.length));
    if (piece.endsWith(REPLACEMENT_CHAR) && pendingPartial.length < 4 && !model.isSpecialToken(token)) {
      pendingPartial = tokens;
    } else {
      pendingPartial = [];
      options.onPiece?.(piece);
      const match = stopMatcher.push(piece);
      await emit(match.text);
      if (match.stopped) {
        finishReason = "stop";
        cutAtStopString = true;
        break;
      }
    }
    if (generated.length >= options.maxTokens) break;
  }
  if (signal.aborted) throw new RequestAbortedError();
  if (!cutAtStopString) {
    if (pendingPartial.length > 0) await emit(stopMatcher.push(model.detokenize(pendingPartial, false)).text);
    await emit(stopMatcher.flush());
  }
  return { text, finishReason, completionTokens: generated.length };
}
