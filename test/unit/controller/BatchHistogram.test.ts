import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { BatchHistogram } from "../../../src/controller/metrics/BatchHistogram.js";

describe("BatchHistogram", () => {
  it("should render exactly what prom-client's Histogram renders for the same observations, one by one", async () => {
    const buckets = [0.01, 0.05, 0.1, 1];
    const ours = new Registry();
    const theirs = new Registry();
    const batch = new BatchHistogram("vllm:itl_seconds", "Gaps.", buckets, ours);
    const reference = new Histogram({ name: "vllm:itl_seconds", help: "Gaps.", labelNames: ["model_name"], buckets, registers: [theirs] });
    const observations: [string, number, number][] = [["a", 0.02, 7], ["b", 0.5, 3], ["a", 0.01, 2], ["a", 5, 1], ["b", 0.003, 0]];
    for (const [model, value, times] of observations) {
      batch.observeMany({ model_name: model }, value, times);
      for (let i = 0; i < times; i++) reference.observe({ model_name: model }, value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toContain(`vllm:itl_seconds_bucket{le="0.05",model_name="a"} 9`);
  });
});
