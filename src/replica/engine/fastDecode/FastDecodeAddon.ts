/** An opaque handle to a ggml threadpool created by the fastDecode addon. */
export type ThreadpoolHandle = { readonly __brand: "llmserve.fastDecode.threadpool" };

/** An opaque handle to a native generation loop (native/fastDecode/generationLoop.cpp). */
export type GenerationLoopHandle = { readonly __brand: "llmserve.fastDecode.generationLoop" };

/** Sampling settings of one generation, in node-llama-cpp 3.22.1's terms (see `nativeGenerationOptions`). */
export interface NativeGenerationOptions {
  readonly maxTokens: number;
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  readonly minP: number;
  readonly seed: number;
  /** 0: no repetition penalties. */
  readonly penaltyLastN: number;
  readonly repeatPenalty: number;
  readonly frequencyPenalty: number;
  readonly presencePenalty: number;
  readonly biasKeys?: Uint32Array | undefined;
  readonly biasValues?: Float32Array | undefined;
  /** node-llama-cpp's native `AddonGrammarEvaluationState` object. */
  readonly grammar?: object | undefined;
  /** Pause after every token until `ack` (the sampling settings of the next token depend on JS). */
  readonly lockstep: boolean;
}

/** Event kinds in the Int32Array the loop delivers as [kind, sequence, value] triples. */
export const GENERATION_EVENT = {
  /** value: the sampled token. */
  token: 0,
  /** value: how many tokens of the sequence are in the KV cache now. */
  done: 1,
  /** The generation failed (the message is the next of `messages`); its KV cache was cleared. */
  failed: 2,
} as const;

/** What native/fastDecode exports. */
export interface FastDecodeAddon {
  /**
   * Creates a persistent ggml CPU threadpool of `threads` threads and attaches it to the llama_context behind
   * node-llama-cpp's `AddonContext`. Throws with the reason when the objects do not look as expected.
   */
  attachThreadpool(
    addonContext: object,
    addonModel: object,
    options: { threads: number; sequences: number; poll: number },
  ): ThreadpoolHandle;
  /** Stops and frees the pool. Only once the context is disposed: never while it may decode. */
  freeThreadpool(handle: ThreadpoolHandle): void;
  /** Absent in an addon built from older sources. */
  readonly generationLoop?: {
    /** Starts the loop thread on the context; `onEvents` runs on the JS thread, one call per decode step or so. */
    create(
      addonContext: object,
      addonModel: object,
      onEvents: (events: Int32Array, messages: readonly string[]) => void,
      /** The context's pool: the loop pauses it whenever it runs out of work, so idle workers stop spinning. */
      threadpool?: ThreadpoolHandle,
    ): GenerationLoopHandle;
    /** Starts a generation on an idle sequence: `tokens` is the whole prompt, its first `trimFrom` already cached. */
    submit(loop: GenerationLoopHandle, sequence: number, tokens: Uint32Array, trimFrom: number, options: NativeGenerationOptions): void;
    /** Lets a lockstep generation sample its next token with this bias and grammar. */
    ack(loop: GenerationLoopHandle, sequence: number, biasKeys?: Uint32Array, biasValues?: Float32Array, grammar?: object): void;
    /** Pauses (true) or resumes a generation. */
    hold(loop: GenerationLoopHandle, sequence: number, held: boolean): void;
    /** Ends a generation at the next step; a Done event follows. */
    stop(loop: GenerationLoopHandle, sequence: number): void;
    /** Joins the loop thread and frees it; call before the context is disposed. */
    close(loop: GenerationLoopHandle): void;
  };
}
