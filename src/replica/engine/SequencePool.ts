import type { Token } from "node-llama-cpp";
import { type Lease, LeaseQueue } from "../../lease/LeaseQueue.js";
import { QueueFullError } from "../errors/QueueFullError.js";
import { RequestAbortedError } from "../errors/RequestAbortedError.js";
import type { GenerationSequence } from "./GenerationSequence.js";

/** A sequence lent to one request; call `release()` exactly once when done (extra calls are ignored). */
export type SequenceLease = Lease<GenerationSequence>;

/**
 * A fixed pool of context sequences reused across requests (never disposed and re-created: node-llama-cpp #623).
 * A request gets the free sequence whose cached tokens share the longest prefix with its prompt, so a follow-up
 * turn of a conversation re-evaluates only what is new. When all are busy, requests wait in FIFO order up to
 * `maxQueued`; beyond that `acquire` rejects with `QueueFullError`, and an aborted wait with `RequestAbortedError`.
 */
export class SequencePool {
  readonly #free: GenerationSequence[];
  readonly #size: number;
  /** Position in the constructor's list: sequences are created in sequence-id order. */
  readonly #positions: Map<GenerationSequence, number>;
  readonly #queue: LeaseQueue<GenerationSequence, readonly Token[]>;

  public constructor(sequences: readonly GenerationSequence[], maxQueued: number) {
    this.#free = [...sequences];
    this.#size = sequences.length;
    this.#positions = new Map(sequences.map((sequence, index) => [sequence, index]));
    this.#queue = new LeaseQueue({
      take: (tokens) => (this.#free.length > 0 ? this.#takeBest(tokens) : undefined),
      give: (sequence) => this.#free.push(sequence),
      maxQueued: () => maxQueued,
      errors: { queueFull: (_queued, max) => new QueueFullError(max), aborted: () => new RequestAbortedError() },
    });
  }

  /** Requests holding a sequence now. */
  public get ongoing(): number {
    return this.#size - this.#free.length;
  }

  /** Requests waiting for a sequence. */
  public get queued(): number {
    return this.#queue.queued;
  }

  public get size(): number {
    return this.#size;
  }

  public acquire(tokens: readonly Token[], signal?: AbortSignal): Promise<SequenceLease> {
    return this.#queue.acquire(tokens, signal);
  }

  #order(sequence: GenerationSequence): number {
    return this.#positions.get(sequence) ?? Number.MAX_SAFE_INTEGER;
  }

  /** Removes and returns the free sequence with the longest cached prefix of `tokens`. */
  #takeBest(tokens: readonly Token[]): GenerationSequence {
    let bestIndex = 0;
    let bestLength = -1;
    for (const [index, sequence] of this.#free.entries()) {
      const shared = sequence.compareContextTokens(tokens as Token[]).firstDifferentIndex;
      // On a tie the lowest sequence id wins: busy sequences then stay contiguous, which llama.cpp's per-sequence
      // KV cache needs to decode them in one micro-batch (see fastDecode/sequenceOrderedBatching.ts).
      const best = this.#free[bestIndex];
      if (shared > bestLength || (shared === bestLength && best !== undefined && this.#order(sequence) < this.#order(best))) {
        bestLength = shared;
        bestIndex = index;
      }
    }
    const [chosen] = this.#free.splice(bestIndex, 1);
    if (chosen === undefined) throw new Error("SequencePool: no free sequence to take");
    return chosen;
  }
}
