import type { LlamaModel, SequenceEvaluateOptions, Token } from "node-llama-cpp";
import { RequestAbortedError } from "../errors/RequestAbortedError.js";
import { createStopMatcher } from "./createStopMatcher.js";
import { endsGeneration } from "./endsGeneration.js";
import { thoughtClosingToForce, type GenerationReasoning } from "./GenerationReasoning.js";
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
  /** Counts reasoning tokens and enforces a thinking budget (see `GenerationReasoning`). */
  readonly reasoning?: GenerationReasoning | undefined;
}

export interface GenerateTextResult {
  readonly text: string;
  readonly finishReason: "stop" | "length";
  /** Tokens really sampled, the end-of-generation token included (as vLLM counts them). */
  readonly completionTokens: number;
  /** Of `completionTokens`, those whose text went to the reasoning (0 without a reasoning parser). */
  readonly reasoningTokens: number;
  /** The stop string that ended the text, if one did. */
  readonly stopSequence?: string | undefined;
}

const REPLACEMENT_CHAR = "\uFFFD";

/**
 * Runs one generation on a sequence with node-llama-cpp's low-level `evaluate`: re-uses the cached prefix,
 * samples with OpenAI defaults, detokenizes incrementally (holding back split UTF-8 characters), cuts at stop
 * strings and stops at `maxTokens`. The context never shifts: overflowing is an error, never a silent drop.
 * With a thinking budget, once it is spent the parser's closing tokens are forced into the sequence: the sampling
 * run stops, the closing is evaluated after the tokens so far, and sampling goes on from there (the same on the
 * native loop and on node-llama-cpp's sequences, which both re-use the cached prefix).
 * Throws `RequestAbortedError` once `signal` fires (checked after every token).
 */
export async function generateText(options: GenerateTextOptions): Promise<GenerateTextResult> {
  const { sequence, model, signal, maxTokens, reasoning } = options;
  if (signal.aborted) throw new RequestAbortedError();
  if (options.promptTokens.length === 0) throw new Error("generateText: empty prompt");

  const generated: Token[] = [];
  const stopMatcher = createStopMatcher(options.stop);
  let text = "";
  const emit = async (piece: string): Promise<void> => {
    if (piece === "") return;
    text += piece;
    await options.onText?.(piece);
  };
  const sampling = samplingOptions(options.sampling, model, () => generated, maxTokens, options.defaultSeed, options.bannedAfter);
  const evaluateOptions = (tokensLeft: number): GenerationEvaluateOptions => ({
    ...sampling,
    yieldEogToken: true,
    maxTokens: tokensLeft,
    grammarEvaluationState: options.grammarEvaluationState,
    contextShift: {
      strategy: (): never => {
        throw new Error("the context is full (context shift is disabled)");
      },
    },
  });

  let pendingPartial: Token[] = [];
  let finishReason: "stop" | "length" = "length";
  let cutAtStopString = false;
  let stopSequence: string | undefined;
  /** Takes decoded text of `tokens`; true once a stop string ended the output. */
  const accept = async (tokens: number, piece: string): Promise<boolean> => {
    options.onPiece?.(piece);
    reasoning?.counter.push(piece, tokens);
    const match = stopMatcher.push(piece);
    await emit(match.text);
    if (!match.stopped) return false;
    finishReason = "stop";
    cutAtStopString = true;
    stopSequence = match.stop;
    return true;
  };
  let closed = false;
  const closingToForce = (): readonly Token[] | undefined => {
    if (closed || reasoning?.budget === undefined) return undefined;
    return thoughtClosingToForce(reasoning.budget, reasoning.counter, pendingPartial.length, maxTokens - generated.length);
  };

  let forced = closingToForce();
  generation: for (;;) {
    if (forced !== undefined) {
      closed = true;
      if (pendingPartial.length > 0) {
        const partial = pendingPartial;
        pendingPartial = [];
        if (await accept(partial.length, model.detokenize(partial, false))) break;
      }
      for (const token of forced) {
        generated.push(token);
        if (await accept(1, model.detokenize([token], false, generated.slice(-9, -1)))) break generation;
      }
      forced = undefined;
      if (generated.length >= maxTokens) break;
    }
    const context = [...options.promptTokens, ...generated];
    const last = context.pop() as Token;
    await sequence.adaptStateToTokens(context, false);
    const toEvaluate = [...context.slice(sequence.nextTokenIndex), last];
    for await (const token of sequence.evaluate(toEvaluate, evaluateOptions(maxTokens - generated.length))) {
      if (signal.aborted) throw new RequestAbortedError();
      generated.push(token);
      if (endsGeneration(model, token)) {
        finishReason = "stop";
        break generation;
      }
      const tokens = [...pendingPartial, token];
      const piece = model.detokenize(tokens, false, generated.slice(-tokens.length - 8, -tokens.length));
      if (piece.endsWith(REPLACEMENT_CHAR) && pendingPartial.length < 4 && !model.isSpecialToken(token)) {
        pendingPartial = tokens;
      } else {
        pendingPartial = [];
        if (await accept(tokens.length, piece)) break generation;
      }
      if (generated.length >= maxTokens) break generation;
      forced = closingToForce();
      if (forced !== undefined) continue generation;
    }
    break;
  }
  if (signal.aborted) throw new RequestAbortedError();
  if (!cutAtStopString) {
    if (pendingPartial.length > 0) {
      const piece = model.detokenize(pendingPartial, false);
      reasoning?.counter.push(piece, pendingPartial.length);
      await emit(stopMatcher.push(piece).text);
    }
    await emit(stopMatcher.flush());
  }
  reasoning?.counter.end();
  return {
    text,
    finishReason,
    completionTokens: generated.length,
    reasoningTokens: reasoning?.counter.reasoningTokens() ?? 0,
    stopSequence,
  };
}
