import { describe, expect, it } from "vitest";
import { GENERATION_RATE_WINDOW_S, GenerationRate } from "../../../src/controller/metrics/GenerationRate.js";

describe("GenerationRate", () => {
  it("should read 0 before any token and once the window holds none", () => {
    const rate = new GenerationRate();
    expect(rate.perSecond(5_000)).toBe(0);
    rate.add(40, 5_000);
    expect(rate.perSecond(5_500)).toBeGreaterThan(0);
    expect(rate.perSecond(5_000 + GENERATION_RATE_WINDOW_S * 1000)).toBe(0);
  });

  it("should give the steady rate of a long generation, and the right rate a few seconds into a burst", () => {
    const rate = new GenerationRate();
    for (let ms = 100_000; ms < 130_000; ms += 50) rate.add(1, ms); // 20 tokens/s for 30 s
    expect(rate.perSecond(130_000)).toBeCloseTo(20, 0);
    const burst = new GenerationRate();
    for (let ms = 200_000; ms < 203_000; ms += 10) burst.add(1, ms); // 100 tokens/s for 3 s
    expect(burst.perSecond(203_000)).toBeCloseTo(100, 0);
  });

  it("should spread a count over the time it was generated, dropping what is older than the window", () => {
    const rate = new GenerationRate();
    rate.spread(600, 0, 30_000); // 20 tokens/s for 30 s, known only at the end
    expect(rate.perSecond(30_000)).toBeCloseTo(20, 5);
    const corrected = new GenerationRate();
    for (let ms = 50_000; ms < 54_000; ms += 100) corrected.add(1, ms); // 40 events estimated...
    corrected.spread(80 - 40, 50_000, 54_000); // ... 80 tokens in fact
    expect(corrected.perSecond(54_000)).toBeCloseTo(20, 5);
  });

  it("should ignore a count older than the window and never read negative", () => {
    const rate = new GenerationRate();
    rate.add(10, 100_000);
    rate.add(1000, 100_000 - GENERATION_RATE_WINDOW_S * 1000 - 1);
    expect(rate.perSecond(100_500)).toBe(10);
    rate.add(-50, 100_600);
    expect(rate.perSecond(100_700)).toBe(0);
  });
});
