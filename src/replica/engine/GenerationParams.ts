import type { SamplingRequest } from "./samplingOptions.js";

/** The request fields shared by chat and text completions, validated. */
export interface GenerationParams {
  readonly model: string;
  /** max_completion_tokens, else max_tokens; undefined = up to the end of the context. */
  readonly maxTokens: number | undefined;
  readonly sampling: SamplingRequest;
  readonly stop: readonly string[];
  readonly stream: boolean;
  readonly includeUsage: boolean;
}
