import { getLlama, type Llama, type LlamaModel, type SequenceEvaluateOptions, type Token } from "node-llama-cpp";

let llamaPromise: Promise<Llama> | undefined;

/** CPU-only llama.cpp, never building from source (the prebuilt binary must work). */
export function cpuLlama(): Promise<Llama> {
  llamaPromise ??= getLlama({ gpu: false, build: "never", logLevel: "error" as never });
  return llamaPromise;
}

export async function loadTestModel(modelPath: string): Promise<LlamaModel> {
  const llama = await cpuLlama();
  return llama.loadModel({ modelPath });
}

/** Sampling as an OpenAI client sends it by default (temperature 1, no top-k, top-p 1) with a fixed seed. */
export function openAIDefaultSampling(seed: number): SequenceEvaluateOptions {
  return { temperature: 1, topK: 0, topP: 1, minP: 0, seed };
}

/**
 * Generation from a raw prompt (special tokens parsed) until an end-of-generation token (included) or
 * `maxTokens`; greedy unless `sampling` says otherwise.
 */
export async function greedyTokens(
  model: LlamaModel,
  prompt: string,
  maxTokens = 64,
  contextSize = 512,
  sampling: SequenceEvaluateOptions = { temperature: 0 },
): Promise<{ texts: string[]; ids: Token[]; promptTokens: number }> {
  const context = await model.createContext({ contextSize, threads: 1, sequences: 1 });
  try {
    const sequence = context.getSequence();
    const input = model.tokenize(prompt, true);
    const ids: Token[] = [];
    for await (const token of sequence.evaluate(input, { ...sampling, yieldEogToken: true })) {
      ids.push(token);
      if (model.isEogToken(token) || ids.length >= maxTokens) break;
    }
    return { ids, texts: ids.map((id) => model.detokenize([id], true)), promptTokens: input.length };
  } finally {
    await context.dispose();
  }
}
