import { isOff } from "./isOff.js";
import type { BatchItem, BatchingOptions, LlamaContext, PrioritizedBatchItem } from "node-llama-cpp";

interface ContextInternals {
  _queuedDecodes?: readonly { readonly sequenceId: number }[];
}

export interface SequenceOrderedBatching {
  /** Pass as `model.createContext({ batching })`. */
  readonly options: BatchingOptions;
  /** Call with the created context (the strategy reads which sequence each queued item belongs to). */
  bind(context: LlamaContext): void;
}

/**
 * Puts the tokens of each decode batch in ascending sequence-id order, sharing the batch fairly between sequences
 * (as node-llama-cpp's default "maximumParallelism" strategy does).
 *
 * node-llama-cpp creates contexts with a per-sequence KV cache (kv_unified = false). llama.cpp then splits a batch
 * into micro-batches of sequences whose ids follow each other in batch order (llama_batch_allocr::split_equal with
 * `sequential`). node-llama-cpp fills the batch in queue order, so 16 streams' tokens arrive shuffled and one
 * decode step becomes several micro-batches, each reading all the weights again (perf: tinyBLAS runs with 2-3
 * columns instead of 16, and GEMV takes twice the share it has in llama-server, which adds its slots in id order).
 */
export function sequenceOrderedBatching(env: NodeJS.ProcessEnv = process.env): SequenceOrderedBatching {
  if (isOff(env["LLMSERVE_FAST_DECODE"]) || isOff(env["LLMSERVE_ORDER_BATCH"])) return { options: {}, bind: () => undefined };
  let context: ContextInternals | undefined;
  const itemPrioritizationStrategy = ({ items, size }: { items: readonly BatchItem[]; size: number }): PrioritizedBatchItem[] => {
    const queued = context?._queuedDecodes;
    const ids = queued !== undefined && queued.length === items.length ? queued.map((entry) => entry.sequenceId) : undefined;
    const ordered = items.map((item, index) => ({ item, key: ids?.[index] ?? index }));
    ordered.sort((a, b) => a.key - b.key);
    return fairShare(
      ordered.map((entry) => entry.item),
      size,
    );
  };
  return {
    options: { itemPrioritizationStrategy },
    bind: (created) => {
      context = created as unknown as ContextInternals;
    },
  };
}

/** Water-filling: every item gets an equal share of `size` tokens, what one does not need goes to the others. */
export function fairShare(items: readonly BatchItem[], size: number): PrioritizedBatchItem[] {
  const amounts = items.map(() => 0);
  let left = size;
  let pending = items.map((_, index) => index);
  while (left > 0 && pending.length > 0) {
    const share = Math.max(1, Math.floor(left / pending.length));
    const stillPending: number[] = [];
    for (const index of pending) {
      if (left === 0) break;
      const want = items[index]!.tokens.length - amounts[index]!;
      const give = Math.min(want, share, left);
      amounts[index]! += give;
      left -= give;
      if (amounts[index]! < items[index]!.tokens.length) stillPending.push(index);
    }
    pending = stillPending;
  }
  return items.flatMap((item, index) => (amounts[index]! > 0 ? [{ item, processAmount: amounts[index]! }] : []));
}
