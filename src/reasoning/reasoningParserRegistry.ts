import { ernie45 } from "./parsers/ernie45.js";
import { granite } from "./parsers/granite.js";
import { hunyuanA13b } from "./parsers/hunyuanA13b.js";
import { mistral } from "./parsers/mistral.js";
import { deepseekR1, deepseekV3, glm45, olmo3, qwen3, seedOss, step3 } from "./parsers/thinkTagParsers.js";
import type { ReasoningParserDefinition } from "./ReasoningParserDefinition.js";

/** vLLM's parser names (as `engine_kwargs.reasoning_parser` spells them) → their definitions. */
export const reasoningParserRegistry: Readonly<Record<string, ReasoningParserDefinition>> = Object.freeze({
  deepseek_r1: deepseekR1,
  // vLLM v0.11–0.12 registered kimi_k2 as an alias of DeepSeekR1ReasoningParser.
  kimi_k2: deepseekR1,
  deepseek_v3: deepseekV3,
  ernie45,
  glm45,
  granite,
  hunyuan_a13b: hunyuanA13b,
  // minimax_m2 is the base think-tag parser, R1-like.
  minimax_m2: deepseekR1,
  mistral,
  olmo3,
  qwen3,
  seed_oss: seedOss,
  step3,
});
