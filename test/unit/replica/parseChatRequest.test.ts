import { describe, expect, it } from "vitest";
import { OpenAIHttpError } from "../../../src/replica/http/OpenAIHttpError.js";
import { parseChatRequest } from "../../../src/replica/http/parseChatRequest.js";
import { parseCompletionRequest } from "../../../src/replica/http/parseCompletionRequest.js";
import { thrownError } from "../../helpers/thrownError.js";

const base = { model: "m", messages: [{ role: "user", content: "hi" }] };

const errorOf = (run: () => unknown): OpenAIHttpError => thrownError(run, OpenAIHttpError);

describe("parseChatRequest", () => {
  it("should leave every sampling field unset when absent (OpenAI defaults are applied by the engine)", () => {
    const request = parseChatRequest(base);
    expect(request.sampling).toEqual({
      temperature: undefined,
      topP: undefined,
      topK: undefined,
      minP: undefined,
      seed: undefined,
      presencePenalty: undefined,
      frequencyPenalty: undefined,
      repetitionPenalty: undefined,
      logitBias: undefined,
    });
    expect(request.maxTokens).toBeUndefined();
    expect(request.stream).toBe(false);
    expect(request.includeReasoning).toBe(true);
    expect(request.addGenerationPrompt).toBe(true);
  });

  it("should prefer max_completion_tokens over max_tokens and treat null as absent", () => {
    expect(parseChatRequest({ ...base, max_tokens: 5, max_completion_tokens: 7 }).maxTokens).toBe(7);
    expect(parseChatRequest({ ...base, max_tokens: null, temperature: null }).maxTokens).toBeUndefined();
  });

  it("should join text parts and copy reasoning sent back in history into both keys", () => {
    const request = parseChatRequest({
      model: "m",
      messages: [
        { role: "user", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] },
        { role: "assistant", content: "x", reasoning: "thought" },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"q":1}' } }] },
      ],
    });
    expect(request.messages[0]!.content).toBe("a\nb");
    expect(request.messages[1]).toMatchObject({ reasoning: "thought", reasoning_content: "thought" });
    expect(request.messages[2]!.tool_calls?.[0]?.function.arguments).toBe('{"q":1}');
  });

  it.each([
    [{ temperature: 2.5 }, "temperature"],
    [{ temperature: "hot" }, "temperature"],
    [{ top_p: 1.5 }, "top_p"],
    [{ top_k: 1.5 }, "top_k"],
    [{ n: 3 }, "n"],
    [{ seed: 1.5 }, "seed"],
    [{ presence_penalty: 3 }, "presence_penalty"],
    [{ logit_bias: { "12": 200 } }, "logit_bias"],
    [{ stream_options: { include_usage: true } }, "stream_options"],
    [{ messages: "hi" }, "messages"],
    [{ messages: [{ role: "user" }] }, "messages[0].content"],
    [{ model: 3 }, "model"],
  ])("should refuse %j with a 400 naming %s", (fields, param) => {
    const error = errorOf(() => parseChatRequest({ ...base, ...fields }));
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.type).toBe("invalid_request_error");
  });
});

describe("parseCompletionRequest", () => {
  it("should accept a string, a list of one string, or token ids", () => {
    expect(parseCompletionRequest({ model: "m", prompt: "p" }).prompt).toBe("p");
    expect(parseCompletionRequest({ model: "m", prompt: ["p"] }).prompt).toBe("p");
    expect(parseCompletionRequest({ model: "m", prompt: [1, 2] }).prompt).toEqual([1, 2]);
  });

  it("should refuse batched prompts and echo clearly", () => {
    expect(errorOf(() => parseCompletionRequest({ model: "m", prompt: ["a", "b"] })).message).toMatch(/one request per prompt/);
    expect(errorOf(() => parseCompletionRequest({ model: "m", prompt: "a", echo: true })).param).toBe("echo");
  });
});
