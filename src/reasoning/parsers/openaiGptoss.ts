import { startHarmonyStream } from "../harmonyStream.js";
import type { ReasoningParserDefinition } from "../ReasoningParserDefinition.js";
import type { ReasoningSplit } from "../ReasoningParser.js";

/**
 * openai_gptoss: gpt-oss's harmony messages (`<|channel|>analysis<|message|>…<|end|><|start|>assistant<|channel|>
 * final<|message|>…`). The `analysis` channel is reasoning, `final` and recipient-less `commentary` are content, and
 * calls to `functions.*` in `commentary` are never reasoning: they go to the `openai` tool-call parser through the
 * content (`keepToolCallText`), or are dropped. Streamed and not, the split is the same.
 */
export const openaiGptoss: ReasoningParserDefinition = {
  create: (options) => {
    const settings = {
      initial: options.promptEndsAfterThinking ? "content" : options.promptEndsInsideThinking ? "reasoning" : "header",
      keepToolCalls: options.keepToolCallText === true,
    } as const;
    return {
      extract(output): ReasoningSplit {
        const stream = startHarmonyStream(settings);
        const first = stream.push(output);
        const last = stream.end();
        return {
          reasoning: (first.reasoning ?? "") + (last.reasoning ?? "") || null,
          content: (first.content ?? "") + (last.content ?? "") || null,
        };
      },
      stream: () => startHarmonyStream(settings),
    };
  },
  promptTags: { start: ["<|channel|>analysis<|message|>"], end: ["<|channel|>final<|message|>"] },
  /** The analysis message ends and the final one opens, as gpt-oss writes it (`<|end|>` ends only the message). */
  closeThought: "<|end|><|start|>assistant<|channel|>final<|message|>",
};
