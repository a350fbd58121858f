import type { LlamaModel } from "node-llama-cpp";
import { closeThoughtText, createReasoningParser } from "../../reasoning/createReasoningParser.js";
import { createReasoningTokenCounter } from "../../reasoning/createReasoningTokenCounter.js";
import type { ReasoningParserOptions } from "../../reasoning/ReasoningParser.js";
import type { GenerationReasoning, ThinkingBudget } from "./GenerationReasoning.js";

export interface GenerationReasoningOptions {
  /** `engine_kwargs.reasoning_parser`; undefined: no reasoning to count or budget. */
  readonly parserName: string | undefined;
  /** The options the request's output parser was created with (template kwargs, prompt thinking state). */
  readonly parserOptions: ReasoningParserOptions;
  /** Reasoning tokens allowed; undefined = no budget. */
  readonly budget: number | undefined;
  readonly model: LlamaModel;
}

/** The counter (and budget) for one generation, on a parser stream of its own. */
export function createGenerationReasoning(options: GenerationReasoningOptions): GenerationReasoning | undefined {
  const { parserName, model } = options;
  if (parserName === undefined) return undefined;
  const counter = createReasoningTokenCounter(createReasoningParser(parserName, options.parserOptions).stream());
  if (options.budget === undefined) return { counter };
  return { counter, budget: thinkingBudget(parserName, options.parserOptions, options.budget, model) };
}

function thinkingBudget(parserName: string, parserOptions: ReasoningParserOptions, limit: number, model: LlamaModel): ThinkingBudget {
  const closing = model.tokenize(closeThoughtText(parserName, parserOptions.thinkTags), true);
  // How many of the closing's tokens are reasoning text: run them through a parser that starts inside a thought.
  const probe = createReasoningTokenCounter(
    createReasoningParser(parserName, { ...parserOptions, promptEndsInsideThinking: true, promptEndsAfterThinking: false }).stream(),
  );
  probe.push("x");
  for (const [index, token] of closing.entries()) probe.push(model.detokenize([token], false, closing.slice(0, index)));
  probe.end();
  return { limit, closing, closingReasoningTokens: Math.max(0, probe.reasoningTokens() - 1) };
}
