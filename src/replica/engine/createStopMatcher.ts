/** What to emit for one piece of generated text, and whether a stop string has now been seen. */
export interface StopMatch {
  readonly text: string;
  readonly stopped: boolean;
  /** The stop string that ended the text, when `stopped`. */
  readonly stop?: string;
}

export interface StopMatcher {
  /** Feeds generated text; returns the part that can be released (never any part of a stop string). */
  push(delta: string): StopMatch;
  /** Releases text held back because it might have started a stop string. */
  flush(): string;
}

/**
 * Text-level stop strings with hold-back: text that could be the start of a stop string is kept until it either
 * completes the stop string (then it and everything after is dropped, as OpenAI does) or cannot any more.
 */
export function createStopMatcher(stops: readonly string[]): StopMatcher {
  const active = stops.filter((stop) => stop.length > 0);
  let pending = "";
  return {
    push(delta) {
      if (active.length === 0) return { text: delta, stopped: false };
      pending += delta;
      let cut = -1;
      let matched = "";
      for (const stop of active) {
        const index = pending.indexOf(stop);
        if (index >= 0 && (cut < 0 || index < cut)) {
          cut = index;
          matched = stop;
        }
      }
      if (cut >= 0) {
        const text = pending.slice(0, cut);
        pending = "";
        return { text, stopped: true, stop: matched };
      }
      const hold = longestSuffixThatStartsAStop(pending, active);
      const text = pending.slice(0, pending.length - hold);
      pending = pending.slice(pending.length - hold);
      return { text, stopped: false };
    },
    flush() {
      const text = pending;
      pending = "";
      return text;
    },
  };
}

function longestSuffixThatStartsAStop(text: string, stops: readonly string[]): number {
  let longest = 0;
  for (const stop of stops) {
    const max = Math.min(stop.length - 1, text.length);
    for (let length = max; length > longest; length--) {
      if (stop.startsWith(text.slice(text.length - length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}
