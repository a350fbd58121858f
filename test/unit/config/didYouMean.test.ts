import { describe, expect, it } from "vitest";
import { didYouMean, editDistance } from "../../../src/config/didYouMean.js";

describe("didYouMean", () => {
  it("should suggest the closest candidate for typos, case and dashes", () => {
    expect(didYouMean("max_replica", ["min_replicas", "max_replicas"])).toBe("max_replicas");
    expect(didYouMean("max-replicas", ["min_replicas", "max_replicas"])).toBe("max_replicas");
    expect(didYouMean("Qwen3", ["deepseek_r1", "qwen3"])).toBe("qwen3");
    expect(didYouMean("tensor_paralel_size", ["tensor_parallel_size", "pipeline_parallel_size"])).toBe(
      "tensor_parallel_size",
    );
    expect(didYouMean("mxa_model_len", ["max_model_len"])).toBe("max_model_len");
  });

  it("should suggest a unique longer name for a truncation", () => {
    expect(didYouMean("qwen", ["deepseek_r1", "qwen3", "granite"])).toBe("qwen3");
    expect(didYouMean("deepseek", ["deepseek_r1", "deepseek_v3"])).toBeUndefined();
  });

  it("should stay quiet when nothing is close", () => {
    expect(didYouMean("colour", ["applications", "http_options"])).toBeUndefined();
    expect(didYouMean("r1", ["deepseek_r1", "qwen3"])).toBeUndefined();
    expect(didYouMean("x", [])).toBeUndefined();
  });

  it("should count a swap of neighbours as one edit", () => {
    expect(editDistance("abcd", "abdc")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });
});
