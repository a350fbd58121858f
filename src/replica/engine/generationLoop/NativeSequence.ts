import type { Token } from "node-llama-cpp";
import type { GenerationEvaluateOptions, GenerationSequence } from "../GenerationSequence.js";
import type { GenerationRun } from "./createGenerationRun.js";
import { nativeStepOptions, needsLockstep } from "./nativeGenerationOptions.js";

/** Starts a generation on the native loop (see `startGenerationLoop`). */
export type StartRun = (sequence: number, prompt: readonly Token[], trimFrom: number, options: GenerationEvaluateOptions) => GenerationRun;

/**
 * A sequence of the native generation loop, with the part of node-llama-cpp's `LlamaContextSequence` API the replica
 * uses. It mirrors the tokens in its KV cache (the loop reports how many survive each generation), so a follow-up
 * request re-uses the cached prefix as node-llama-cpp's sequences do.
 */
export class NativeSequence implements GenerationSequence {
  readonly #id: number;
  readonly #start: StartRun;
  #cached: Token[] = [];
  #nextTokenIndex = 0;
  #busy = false;

  public constructor(id: number, start: StartRun) {
    this.#id = id;
    this.#start = start;
  }

  public get nextTokenIndex(): number {
    return this.#nextTokenIndex;
  }

  public compareContextTokens(tokens: readonly Token[]): { firstDifferentIndex: number } {
    const limit = Math.min(tokens.length, this.#cached.length);
    let index = 0;
    while (index < limit && tokens[index] === this.#cached[index]) index++;
    return { firstDifferentIndex: index };
  }

  /** Keeps the longest cached prefix of `tokens`; the loop drops the rest when the next generation starts. */
  public adaptStateToTokens(tokens: readonly Token[]): Promise<void> {
    this.#nextTokenIndex = this.compareContextTokens(tokens).firstDifferentIndex;
    return Promise.resolve();
  }

  public async *evaluate(tokens: readonly Token[], options: GenerationEvaluateOptions = {}): AsyncGenerator<Token, void, void> {
    if (this.#busy) throw new Error(`sequence ${this.#id} is already generating`);
    if (tokens.length === 0) throw new Error("evaluate: no tokens to evaluate");
    this.#busy = true;
    const trimFrom = this.#nextTokenIndex;
    const prompt = [...this.#cached.slice(0, trimFrom), ...tokens];
    const lockstep = needsLockstep(options);
    let run: GenerationRun | undefined;
    try {
      run = this.#start(this.#id, prompt, trimFrom, options);
      for (;;) {
        const token = await run.next();
        if (token === undefined) return;
        yield token;
        if (lockstep) run.ack(nativeStepOptions(options));
      }
    } finally {
      const outcome = run === undefined ? { sampled: [], cachedTokens: trimFrom } : await run.end();
      this.#cached = [...prompt, ...outcome.sampled].slice(0, outcome.cachedTokens);
      this.#nextTokenIndex = this.#cached.length;
      this.#busy = false;
    }
  }
}
