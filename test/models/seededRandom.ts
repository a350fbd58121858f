/** A small deterministic PRNG (xorshift32); never 0 state. */
export function xorshift32(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** Normally distributed samples (Box-Muller) from a seeded generator. */
export function seededNormal(seed: number): () => number {
  const next = xorshift32(seed);
  return () => {
    const u = (next() + 1) / 4294967297;
    const v = (next() + 1) / 4294967297;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}
