import { startMachine, type MachineSpec } from "./markerMachine.js";
import type { ReasoningParser, ReasoningParserOptions, ReasoningSplit } from "./ReasoningParser.js";

/** How the non-streamed split reports the cases where vLLM's parsers differ from one another. */
export interface ExtractRules {
  /**
   * What `extract` reports as reasoning when a reasoning phase was entered but held no text (`"</think>x"`).
   * vLLM's deepseek_r1 family says `""`; olmo3 and hunyuan say `null`. Streaming never emits an empty piece.
   */
  emptyReasoning: "" | null;
  /**
   * The output ended inside the reasoning (no end marker): `"reasoning"` keeps it as reasoning (a truncated
   * thought, deepseek_r1/qwen3), `"content"` returns the whole output verbatim as content (vLLM's glm45, olmo3,
   * granite and hunyuan non-streamed rule, which need both markers). A stream cannot take back what it sent,
   * so for `"content"` the streamed pieces differ from `extract` on such outputs, as they do in vLLM.
   */
  unclosed: "reasoning" | "content";
}

/** Builds the public parser from a machine: streaming runs it incrementally, `extract` runs it in one go. */
export function parserFromMachine(spec: MachineSpec, rules: ExtractRules): ReasoningParser {
  return {
    extract(output) {
      const machine = startMachine(spec);
      const first = machine.push(output);
      const last = machine.end();
      const reasoning = (first.reasoning ?? "") + (last.reasoning ?? "");
      const content = (first.content ?? "") + (last.content ?? "");
      const endedInReasoning = spec.phases[machine.phase()]?.channel === "reasoning";
      if (endedInReasoning && rules.unclosed === "content") return { reasoning: null, content: output || null };
      return {
        reasoning: reasoning !== "" ? reasoning : machine.enteredReasoning() ? rules.emptyReasoning : null,
        content: content || null,
      };
    },
    stream: () => startMachine(spec),
  };
}

/** Everything is content: thinking is off, or the prompt already closed the thinking block. */
export const identityParser: ReasoningParser = {
  extract: (output): ReasoningSplit => ({ reasoning: null, content: output || null }),
  stream: () => {
    let resolved = 0;
    return {
      push: (delta): ReasoningSplit => {
        resolved += delta.length;
        return { reasoning: null, content: delta || null };
      },
      end: (): ReasoningSplit => ({ reasoning: null, content: null }),
      progress: () => ({ resolved, reasoningRanges: [], inReasoning: false }),
    };
  },
};

/**
 * A parser definition's `create` for a machine parser: the identity parser when the prompt already closed the
 * thinking block (the whole output is the answer), else the machine built for these options, under `rules`.
 */
export function createFromMachine(
  machine: (options: ReasoningParserOptions) => MachineSpec,
  rules: ExtractRules,
): (options: ReasoningParserOptions) => ReasoningParser {
  return (options) => (options.promptEndsAfterThinking ? identityParser : parserFromMachine(machine(options), rules));
}
