import type { ReasoningParserDefinition } from "../ReasoningParserDefinition.js";
import type { ReasoningSplit } from "../ReasoningParser.js";

const START = "<think>";

/**
 * minimax_m2_append_think: no split. MiniMax-M2's template opens `<think>` in the prompt, and this parser gives
 * the client the raw output with that `<think>` put back in front, all as content (reasoning always null). As in
 * vLLM, an empty output is `"<think>"` when not streamed and nothing when streamed.
 */
export const minimaxM2AppendThink: ReasoningParserDefinition = {
  create: () => ({
    extract: (output): ReasoningSplit => ({ reasoning: null, content: START + output }),
    stream: () => {
      let started = false;
      return {
        push(delta): ReasoningSplit {
          if (delta === "") return { reasoning: null, content: null };
          const content = started ? delta : START + delta;
          started = true;
          return { reasoning: null, content };
        },
        end: (): ReasoningSplit => ({ reasoning: null, content: null }),
      };
    },
  }),
};
