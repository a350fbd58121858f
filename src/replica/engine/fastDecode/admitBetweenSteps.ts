import type { LlamaContext, LlamaContextSequence, Token } from "node-llama-cpp";
import type { WithLock } from "./loadContextLock.js";

type AfterBatchHook = (sequenceStateLength: number) => unknown;
type AdaptState = (tokens: Token[], allowShift?: boolean) => Promise<void>;

interface SequenceInternals {
  _takeIntervalCheckpointIfNeededAfterBatch?: AfterBatchHook;
  adaptStateToTokens: AdaptState;
}

interface Admission {
  claimed: boolean;
  readonly run: () => Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Lets a request start on a reused sequence while other sequences are generating, as llama-server admits new
 * prompts into the next decode step.
 *
 * A reused sequence must first drop the tokens its previous request generated (`adaptStateToTokens`), and
 * node-llama-cpp does that under the context's lock. Its decode loop holds that lock for as long as anything is
 * queued, and with busy streams something always is: the new request waited until every running generation had
 * finished (measured: 16 streams, 3 rounds, up to 6.6 s in `adaptStateToTokens`; steps shrank to 4-12 tokens as the
 * round drained). Here the trim runs between two decode steps instead, inside the decode loop's own hold on the
 * lock (from the after-batch hook of a generating sequence, when no decode is in flight), through a view of the
 * sequence whose lock scope is private so the locked loop does not deadlock on itself. When no step comes (the
 * others end), the trim takes the real lock, whichever path claims it first.
 *
 * Returns false (and changes nothing) if node-llama-cpp's internals are not what this was written against.
 */
export function admitBetweenSteps(
  context: LlamaContext,
  sequences: readonly LlamaContextSequence[],
  othersGenerating: () => boolean,
  withLock: WithLock,
): boolean {
  const all = sequences as unknown as SequenceInternals[];
  const usable = all.every(
    (sequence) =>
      typeof sequence._takeIntervalCheckpointIfNeededAfterBatch === "function" &&
      Object.hasOwn(sequence, "_takeIntervalCheckpointIfNeededAfterBatch") &&
      typeof sequence.adaptStateToTokens === "function",
  );
  if (!usable) return false;

  const pending: Admission[] = [];
  const claim = (admission: Admission): Promise<void> | undefined => {
    if (admission.claimed) return undefined;
    admission.claimed = true;
    const index = pending.indexOf(admission);
    if (index >= 0) pending.splice(index, 1);
    return admission.run().then(admission.resolve, admission.reject);
  };
  const drain = (): Promise<unknown> => Promise.all([...pending].map(claim));
  // Same prototype chain (every property and method of the context), another identity: another lock scope.
  const contextView = Object.create(context) as LlamaContext;

  for (const sequence of all) {
    const hook = sequence._takeIntervalCheckpointIfNeededAfterBatch!;
    sequence._takeIntervalCheckpointIfNeededAfterBatch = (length: number): unknown =>
      pending.length === 0 ? hook(length) : drain().then(() => hook(length));

    const adapt = sequence.adaptStateToTokens;
    const unlocked = new Proxy(sequence, {
      get: (target, key) => (key === "_context" ? contextView : Reflect.get(target, key, target)),
    });
    sequence.adaptStateToTokens = (tokens: Token[], allowShift = true): Promise<void> => {
      const view = sequence as unknown as LlamaContextSequence;
      const trims = view.compareContextTokens(tokens).firstDifferentIndex < view.nextTokenIndex;
      if (allowShift || !trims || !othersGenerating()) return adapt.call(sequence, tokens, allowShift);
      return new Promise<void>((resolve, reject) => {
        const admission: Admission = { claimed: false, run: () => adapt.call(unlocked, tokens, false), resolve, reject };
        pending.push(admission);
        void withLock([context, "context"], () => claim(admission)).catch(reject);
      });
    };
  }
  return true;
}
