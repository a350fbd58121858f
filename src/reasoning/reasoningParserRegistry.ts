import { ernie45 } from "./parsers/ernie45.js";
import { granite } from "./parsers/granite.js";
import { graniteThinking } from "./parsers/graniteThinking.js";
import { hunyuanA13b } from "./parsers/hunyuanA13b.js";
import { minimaxM2AppendThink } from "./parsers/minimaxM2AppendThink.js";
import { mistral } from "./parsers/mistral.js";
import { nemotronV3 } from "./parsers/nemotronV3.js";
import { openaiGptoss } from "./parsers/openaiGptoss.js";
import { step3p5 } from "./parsers/step3p5.js";
import { deepseekR1, deepseekV3, glm45, holo2, olmo3, qwen3, seedOss, step3 } from "./parsers/thinkTagParsers.js";
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
  granite_thinking: graniteThinking,
  holo2,
  hunyuan_a13b: hunyuanA13b,
  // vLLM registers mimo as its qwen3 parser.
  mimo: qwen3,
  // minimax_m2 is the base think-tag parser, R1-like.
  minimax_m2: deepseekR1,
  minimax_m2_append_think: minimaxM2AppendThink,
  mistral,
  nemotron_v3: nemotronV3,
  olmo3,
  openai_gptoss: openaiGptoss,
  qwen3,
  seed_oss: seedOss,
  step3,
  step3p5,
});
