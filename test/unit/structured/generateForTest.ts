import type { LlamaModel, SequenceEvaluateOptions, Token } from "node-llama-cpp";
import { dynamicTokenBias } from "../../../src/replica/engine/tokenBiasFor.js";
import type { ConstrainedSampling } from "../../../src/replica/structured/createConstrainedSampling.js";

/**
 * The generation loop the replica runs, reduced to what these tests need: `sequence.evaluate` with the lazily
 * switched grammar and the overlong-UTF-8 ban, the text of each token fed to the gate before the next one is sampled.
 */
export async function generateForTest(
  model: LlamaModel,
  prompt: string,
  options: { sampling: SequenceEvaluateOptions; constrained?: ConstrainedSampling; maxTokens: number },
): Promise<{ text: string; finish: "stop" | "length"; tokens: number }> {
  const context = await model.createContext({ contextSize: 1024, threads: 1, sequences: 1 });
  try {
    const sequence = context.getSequence();
    const generated: Token[] = [];
    let text = "";
    let finish: "stop" | "length" = "stop";
    const iterator = sequence.evaluate(model.tokenize(prompt, true), {
      ...options.sampling,
      grammarEvaluationState: options.constrained?.grammarEvaluationState,
      ...(options.constrained === undefined ? {} : { tokenBias: dynamicTokenBias(model, undefined, () => generated, options.constrained.bannedAfter) }),
    });
    for await (const token of iterator) {
      generated.push(token);
      const full = model.detokenize(generated, true);
      if (!full.endsWith("\uFFFD")) {
        options.constrained?.onText(full.slice(text.length));
        text = full;
      }
      if (generated.length >= options.maxTokens) {
        finish = "length";
        break;
      }
    }
    return { text: model.detokenize(generated, true), finish, tokens: generated.length };
  } finally {
    await context.dispose();
  }
}
