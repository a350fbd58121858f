import type { Token } from "node-llama-cpp";
import type { NativeStepOptions } from "./nativeGenerationOptions.js";

/** How one generation on the native loop talks back to the loop (bound to its sequence). */
export interface RunControls {
  ack(step: NativeStepOptions): void;
  hold(held: boolean): void;
  stop(): void;
}

/** One generation as JS sees it: the tokens the loop sampled, in order, and how it ended. */
export interface GenerationRun {
  /** The next sampled token, or undefined once the generation has ended. Rejects when it failed. */
  next(): Promise<Token | undefined>;
  /** Lockstep only: lets the loop sample the next token with these settings. */
  ack(step: NativeStepOptions): void;
  /** Stops the generation if it still runs, and resolves once the loop is done with the sequence. */
  end(): Promise<GenerationOutcome>;
  /** Loop events (called by the loop's dispatcher). */
  onToken(token: Token): void;
  onDone(cachedTokens: number): void;
  onFailed(message: string): void;
}

export interface GenerationOutcome {
  /** Every token the loop sampled, consumed or not. */
  readonly sampled: readonly Token[];
  /** How many tokens of prompt + `sampled` are in the sequence's KV cache now. */
  readonly cachedTokens: number;
}

/** A generation that runs ahead of a slow consumer is paused at this many unread tokens, resumed at the low mark. */
const HIGH_WATER = 32;
const LOW_WATER = 8;

/**
 * The JS end of one native generation: buffers sampled tokens for the consumer, pauses the loop's sequence while the
 * consumer lags far behind (a slow streaming client), and turns Done/Failed into the end of the iteration.
 */
export function createGenerationRun(controls: RunControls, lockstep: boolean): GenerationRun {
  const sampled: Token[] = [];
  let read = 0;
  let held = false;
  let ended: GenerationOutcome | undefined;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let endWaiters: ((outcome: GenerationOutcome) => void)[] = [];
  let stopSent = false;

  const settle = (outcome: GenerationOutcome, error?: Error): void => {
    ended = outcome;
    failure = error;
    wake?.();
    for (const waiter of endWaiters) waiter(outcome);
    endWaiters = [];
  };

  return {
    async next() {
      while (read >= sampled.length && ended === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      if (read < sampled.length) {
        const token = sampled[read++] as Token;
        if (held && sampled.length - read <= LOW_WATER && ended === undefined) {
          held = false;
          controls.hold(false);
        }
        return token;
      }
      if (failure !== undefined) throw failure;
      return undefined;
    },
    ack(step) {
      if (ended === undefined) controls.ack(step);
    },
    end() {
      if (ended !== undefined) return Promise.resolve(ended);
      if (!stopSent) {
        stopSent = true;
        controls.stop();
      }
      return new Promise((resolve) => endWaiters.push(resolve));
    },
    onToken(token) {
      sampled.push(token);
      if (!lockstep && !held && sampled.length - read >= HIGH_WATER) {
        held = true;
        controls.hold(true);
      }
      wake?.();
    },
    onDone(cachedTokens) {
      settle({ sampled, cachedTokens });
    },
    onFailed(message) {
      settle({ sampled, cachedTokens: 0 }, new Error(`generation failed: ${message}`));
    },
  };
}
