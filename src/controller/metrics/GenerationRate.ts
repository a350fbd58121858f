/** How far back the rate looks, in 1-second slots. */
export const GENERATION_RATE_WINDOW_S = 10;

/**
 * Tokens one replica generated over the last GENERATION_RATE_WINDOW_S seconds, in 1-second slots, for the
 * tokens/s of `llmserve status`. Times are `performance.now()` milliseconds. The rate divides by the part of the
 * window since the oldest slot with tokens, so it is right from the first seconds of a burst; it falls to 0 once
 * the window holds no tokens (idle).
 */
export class GenerationRate {
  private readonly tokens = new Float64Array(GENERATION_RATE_WINDOW_S);
  /** Which second each slot holds (-1: none yet). */
  private readonly second = new Float64Array(GENERATION_RATE_WINDOW_S).fill(-1);

  /** `count` tokens at `atMs` (negative: a correction of an earlier estimate). */
  add(count: number, atMs: number = performance.now()): void {
    const second = Math.floor(atMs / 1000);
    const slot = second % GENERATION_RATE_WINDOW_S;
    if (this.second[slot] !== second) {
      if (this.second[slot]! > second) return; // older than the window
      this.second[slot] = second;
      this.tokens[slot] = 0;
    }
    this.tokens[slot]! += count;
  }

  /** `count` tokens generated evenly from `fromMs` to `toMs` (the part before the window is dropped). */
  spread(count: number, fromMs: number, toMs: number): void {
    if (toMs - fromMs < 1) return this.add(count, toMs);
    const floor = (Math.floor(toMs / 1000) - GENERATION_RATE_WINDOW_S + 1) * 1000;
    for (let start = Math.max(fromMs, floor); start < toMs;) {
      const end = Math.min(toMs, (Math.floor(start / 1000) + 1) * 1000);
      this.add((count * (end - start)) / (toMs - fromMs), start);
      start = end;
    }
  }

  /** Tokens per second over the window (0 when it holds none). */
  perSecond(nowMs: number = performance.now()): number {
    const now = Math.floor(nowMs / 1000);
    let sum = 0;
    let oldest = now;
    for (let slot = 0; slot < GENERATION_RATE_WINDOW_S; slot++) {
      const second = this.second[slot]!;
      if (second <= now - GENERATION_RATE_WINDOW_S || second > now || this.tokens[slot] === 0) continue;
      sum += this.tokens[slot]!;
      oldest = Math.min(oldest, second);
    }
    if (sum <= 0) return 0;
    return sum / Math.max(1, (nowMs - oldest * 1000) / 1000);
  }
}
