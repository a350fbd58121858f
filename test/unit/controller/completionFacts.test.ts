import { describe, expect, it } from "vitest";
import { completionFacts } from "../../../src/controller/metrics/completionFacts.js";

describe("completionFacts", () => {
  it("should read usage (reasoning included), finish_reason and timings from a JSON answer", () => {
    const body = JSON.stringify({
      choices: [{ finish_reason: "stop" }],
      usage: { prompt_tokens: 5, completion_tokens: 9, completion_tokens_details: { reasoning_tokens: 4 } },
      timings: { queue_ms: 1.5, prompt_n: 5, prompt_ms: 10, predicted_n: 9, predicted_ms: 80 },
    });
    expect(completionFacts(body, false)).toEqual({
      promptTokens: 5, completionTokens: 9, reasoningTokens: 4, finishReason: "stop", replicaQueueMs: 1.5, promptMs: 10, predictedMs: 80,
    });
  });

  it("should read a stream's tail, cut mid-event at its start, and fall back to timings without a usage chunk", () => {
    const tail = `ces":[{"delta":{"content":"x"}}]}\n\ndata: {"choices":[{"delta":{},"finish_reason":"length"}],"timings":{"prompt_n":3,"prompt_ms":2,"predicted_n":7,"predicted_ms":12}}\n\ndata: [DONE]\n\n`;
    expect(completionFacts(tail, true)).toMatchObject({ promptTokens: 3, completionTokens: 7, reasoningTokens: 0, finishReason: "length", promptMs: 2 });
  });

  it("should give nothing for an answer without usage or timings", () => {
    expect(completionFacts(`{"error":{"message":"no"}}`, false)).toBeUndefined();
    expect(completionFacts("data: [DONE]\n\n", true)).toBeUndefined();
  });
});
