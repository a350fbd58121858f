import type { ReasoningParserDefinition } from "../ReasoningParserDefinition.js";
import type { ReasoningSplit } from "../ReasoningParser.js";
import { deepseekR1 } from "./thinkTagParsers.js";

const START = "<think>";

/**
 * minimax_m2_append_think: no split. MiniMax-M2's template opens `<think>` in the prompt, and this parser gives
 * the client the raw output with that `<think>` put back in front, all as content (reasoning always null). As in
 * vLLM, an empty output is `"<think>"` when not streamed and nothing when streamed. The thought is still one:
 * `progress` follows it with deepseek_r1's split, so thinking budgets close it and `reasoning_tokens` counts it.
 */
export const minimaxM2AppendThink: ReasoningParserDefinition = {
  create: (options) => ({
    extract: (output): ReasoningSplit => ({ reasoning: null, content: START + output }),
    stream: () => {
      const thought = deepseekR1.create(options).stream();
      let started = false;
      return {
        push(delta): ReasoningSplit {
          thought.push(delta);
          if (delta === "") return { reasoning: null, content: null };
          const content = started ? delta : START + delta;
          started = true;
          return { reasoning: null, content };
        },
        end: (): ReasoningSplit => {
          thought.end();
          return { reasoning: null, content: null };
        },
        progress: () => thought.progress!(),
      };
    },
  }),
  closeThought: deepseekR1.closeThought,
};
