import { describe, expect, it } from "vitest";
import { completionFacts } from "../../../src/controller/metrics/completionFacts.js";

const sse = (events: Record<string, unknown>[], named = false): string =>
  events.map((e) => `${named ? `event: ${String(e["type"])}\n` : ""}data: ${JSON.stringify(e)}\n\n`).join("");

describe("completionFacts", () => {
  it("should read usage (reasoning included), finish_reason and timings from a JSON answer", () => {
    const body = JSON.stringify({
      choices: [{ finish_reason: "stop" }],
      usage: { prompt_tokens: 5, completion_tokens: 9, completion_tokens_details: { reasoning_tokens: 4 } },
      timings: { queue_ms: 1.5, prompt_n: 5, prompt_ms: 10, predicted_n: 9, predicted_ms: 80 },
    });
    expect(completionFacts(body, "/v1/chat/completions")).toEqual({
      promptTokens: 5, completionTokens: 9, reasoningTokens: 4, finishReason: "stop", replicaQueueMs: 1.5, promptMs: 10, predictedMs: 80,
    });
  });

  it("should read a stream's tail, cut mid-event at its start, and fall back to timings without a usage chunk", () => {
    const tail = `ces":[{"delta":{"content":"x"}}]}\n\ndata: {"choices":[{"delta":{},"finish_reason":"length"}],"timings":{"prompt_n":3,"prompt_ms":2,"predicted_n":7,"predicted_ms":12}}\n\ndata: [DONE]\n\n`;
    expect(completionFacts(tail, "/v1/completions")).toMatchObject({ promptTokens: 3, completionTokens: 7, reasoningTokens: 0, finishReason: "length", promptMs: 2 });
  });

  it("should not be fooled by the keys inside generated text", () => {
    const text = sse([
      { choices: [{ delta: { content: `"usage":{"prompt_tokens":999} "finish_reason":"length"` }, finish_reason: null }] },
      { choices: [{ delta: {}, finish_reason: "stop" }] },
      { choices: [], usage: { prompt_tokens: 2, completion_tokens: 3 } },
    ]);
    expect(completionFacts(text, "/v1/chat/completions")).toMatchObject({ promptTokens: 2, completionTokens: 3, finishReason: "stop" });
  });

  it("should read a Responses answer: its usage after echoed tools and metadata, and incomplete as length", () => {
    const response = (status: string, usage: unknown) => ({
      object: "response", status, incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
      tools: [{ type: "function", name: "f", parameters: { type: "object", properties: { usage: { type: "string" } } } }],
      metadata: { note: "x" }, output: [{ type: "message", status: "completed", content: [{ type: "output_text", text: "hi" }] }], usage,
    });
    const usage = { input_tokens: 11, input_tokens_details: { cached_tokens: 0 }, output_tokens: 6, output_tokens_details: { reasoning_tokens: 4 }, total_tokens: 17 };
    expect(completionFacts(JSON.stringify(response("completed", usage)), "/v1/responses")).toMatchObject({
      promptTokens: 11, completionTokens: 6, reasoningTokens: 4, finishReason: "stop",
    });
    const stream = sse([
      { type: "response.created", response: response("in_progress", null) },
      { type: "response.output_text.delta", delta: "hi" },
      { type: "response.incomplete", response: response("incomplete", usage) },
    ], true);
    expect(completionFacts(stream, "/v1/responses")).toMatchObject({ promptTokens: 11, completionTokens: 6, reasoningTokens: 4, finishReason: "length" });
  });

  it("should read an Anthropic answer: message_start's input, message_delta's cumulative output, stop_reason", () => {
    const body = { type: "message", content: [{ type: "text", text: "x" }], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 8, output_tokens: 5 } };
    expect(completionFacts(JSON.stringify(body), "/v1/messages")).toMatchObject({ promptTokens: 8, completionTokens: 5, finishReason: "stop" });
    const stream = sse([
      { type: "message_start", message: { type: "message", stop_reason: null, usage: { input_tokens: 8, output_tokens: 0 } } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "x" } },
      { type: "message_delta", delta: { stop_reason: "max_tokens", stop_sequence: null }, usage: { output_tokens: 5 } },
      { type: "message_stop" },
    ], true);
    expect(completionFacts(stream, "/v1/messages")).toMatchObject({ promptTokens: 8, completionTokens: 5, finishReason: "length" });
    const tool = stream.replace(`"max_tokens"`, `"tool_use"`);
    expect(completionFacts(tool, "/v1/messages")?.finishReason).toBe("tool_calls");
  });

  it("should give nothing for an answer without usage or timings", () => {
    expect(completionFacts(`{"error":{"message":"no"}}`, "/v1/chat/completions")).toBeUndefined();
    expect(completionFacts("data: [DONE]\n\n", "/v1/completions")).toBeUndefined();
    expect(completionFacts(sse([{ type: "response.created", response: { usage: null } }, { type: "error", code: "x" }], true), "/v1/responses")).toBeUndefined();
  });
});
