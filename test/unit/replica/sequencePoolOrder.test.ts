import type { Token } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import type { GenerationSequence } from "../../../src/replica/engine/GenerationSequence.js";
import { SequencePool } from "../../../src/replica/engine/SequencePool.js";

/** Stand-ins for context sequences: only the prefix comparison the pool uses. */
function fakeSequences(cached: number[][]): GenerationSequence[] {
  return cached.map((tokens) => ({
    compareContextTokens: (prompt: Token[]) => {
      let index = 0;
      while (index < tokens.length && tokens[index] === prompt[index]) index++;
      return { firstDifferentIndex: index };
    },
  })) as unknown as GenerationSequence[];
}

describe("SequencePool order", () => {
  it("should prefer the longest cached prefix, and the lowest sequence on a tie, whatever the release order", async () => {
    const sequences = fakeSequences([[], [], [7, 8], []]);
    const pool = new SequencePool(sequences, 10);
    const leases = await Promise.all([pool.acquire([1] as Token[]), pool.acquire([1] as Token[]), pool.acquire([1] as Token[])]);
    expect(leases.map((lease) => sequences.indexOf(lease.resource))).toEqual([0, 1, 2]);
    leases[0]!.release();
    leases[2]!.release();
    leases[1]!.release();
    expect(sequences.indexOf((await pool.acquire([5] as Token[])).resource)).toBe(0);
    expect(sequences.indexOf((await pool.acquire([7, 8, 9] as Token[])).resource)).toBe(2);
    expect(sequences.indexOf((await pool.acquire([5] as Token[])).resource)).toBe(1);
  });
});
