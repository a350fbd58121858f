import { getLlama, type Llama, type LlamaGrammar } from "node-llama-cpp";

let llamaPromise: Promise<Llama> | undefined;

/** CPU llama.cpp bindings (no model needed to compile and test grammars). */
export function cpuLlama(): Promise<Llama> {
  llamaPromise ??= getLlama({ gpu: false, build: "never", logLevel: "error" as never });
  return llamaPromise;
}

/**
 * Whether the grammar accepts exactly `text` (complete match), via llama.cpp's own grammar engine
 * (`LlamaGrammar._testText`, internal to node-llama-cpp 3.22.1: the same matcher the sampler uses).
 */
export function grammarAccepts(grammar: LlamaGrammar, text: string): boolean {
  return (grammar as unknown as { _testText(text: string): boolean })._testText(text);
}
