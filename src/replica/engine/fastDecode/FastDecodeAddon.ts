/** An opaque handle to a ggml threadpool created by the fastDecode addon. */
export type ThreadpoolHandle = { readonly __brand: "llmserve.fastDecode.threadpool" };

/** What native/fastDecode/fastDecode.cpp exports. */
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
}
