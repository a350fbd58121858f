import type { LlamaContextSequence } from "node-llama-cpp";

type AfterBatchHook = (sequenceStateLength: number) => unknown;

interface SequenceInternals {
  _takeIntervalCheckpointIfNeededAfterBatch?: AfterBatchHook;
}

/**
 * Makes concurrent generations share every decode step, as llama-server's slots do.
 *
 * node-llama-cpp decodes a batch, samples each sequence, then immediately decodes whatever is queued. A sequence
 * queues its next token only after a chain of promise hops through `evaluate`, so on each step some sequences
 * are not queued yet and get a decode call of their own: 4 streams take about 4/3 as many decodes as tokens
 * per stream (measured: 267 decodes for 200 tokens x 4 streams; bench/README.md). Each decode costs about the
 * same whatever its batch size on a memory-bound CPU, so that is lost throughput.
 *
 * node-llama-cpp awaits each sequence's after-batch hook inside its batch loop; this wraps the hook of `sequence`
 * to wait one macrotask when other sequences are generating, which lets every sampled sequence queue its next
 * token before the loop looks at the queue. Returns false (and changes nothing) if node-llama-cpp's internals
 * are not what this was written against.
 */
export function alignDecodeSteps(sequence: LlamaContextSequence, othersGenerating: () => boolean): boolean {
  const internals = sequence as unknown as SequenceInternals;
  const original = internals._takeIntervalCheckpointIfNeededAfterBatch;
  if (typeof original !== "function" || !Object.hasOwn(internals, "_takeIntervalCheckpointIfNeededAfterBatch")) return false;
  internals._takeIntervalCheckpointIfNeededAfterBatch = (sequenceStateLength: number): unknown => {
    const result = original(sequenceStateLength);
    if (!othersGenerating()) return result;
    return Promise.resolve(result).then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  };
  return true;
}
