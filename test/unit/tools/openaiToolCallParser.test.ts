import { describe, expect, it } from "vitest";
import { createReasoningParser } from "../../../src/index.js";
import { createToolCallParser } from "../../../src/tools/createToolCallParser.js";
import { streamAndCollect, withoutIds } from "./streamHelpers.js";

const tools = createToolCallParser("openai");
const reasoningParser = createReasoningParser("openai_gptoss", { keepToolCallText: true });

// What gpt-oss generates for a call, as llama.cpp detokenizes it (`<|end|>` and `<|call|>` hidden).
const GENERATED =
  "<|channel|>analysis<|message|>Need the weather; call the tool." +
  '<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Paris","note":"café"}';

/** The reasoning parser's content piece by piece through the tool-call parser, as the chat route does. */
function streamThrough(deltas: readonly string[]): { reasoning: string; content: string | null; calls: [string, string][] } {
  const reasoningStream = reasoningParser.stream();
  const contentPieces: string[] = [];
  let reasoning = "";
  for (const split of [...deltas.map((delta) => reasoningStream.push(delta)), reasoningStream.end()]) {
    reasoning += split.reasoning ?? "";
    if (split.content) contentPieces.push(split.content);
  }
  const collected = streamAndCollect(tools, contentPieces);
  return { reasoning, ...withoutIds(collected) };
}

describe("openai tool-call parser (gpt-oss harmony calls)", () => {
  it("should read a call that the openai_gptoss reasoning parser passed on, with vLLM's json.dumps arguments", () => {
    const split = reasoningParser.extract(GENERATED);
    expect(split.reasoning).toBe("Need the weather; call the tool.");
    const result = tools.extract(split.content ?? "");
    expect(withoutIds(result)).toEqual({
      content: null,
      calls: [["get_weather", '{"city": "Paris", "note": "caf\\u00e9"}']],
    });
    expect(result.toolCalls[0]?.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
  });

  it("should give the same reasoning, content and calls streamed at every split point as not streamed", () => {
    const expected = streamThrough([GENERATED]);
    expect(expected.calls).toHaveLength(1);
    for (let cut = 0; cut <= GENERATED.length; cut++) {
      expect(streamThrough([GENERATED.slice(0, cut), GENERATED.slice(cut)])).toEqual(expected);
    }
    expect(streamThrough([...GENERATED])).toEqual(expected);
  });

  it("should keep a preamble as content, read several calls, and keep arguments that are not JSON as written", () => {
    const text =
      "<|channel|>commentary to=functions.a <|constrain|>json<|message|>{\"x\": [1, 2]}<|call|>" +
      "Checking both." +
      "<|channel|>commentary to=functions.b <|constrain|>text<|message|>raw args<|call|>" +
      "<|channel|>commentary to=functions.c <|constrain|>json<|message|>{broken<|call|>";
    expect(withoutIds(tools.extract(text))).toEqual({
      content: "Checking both.",
      calls: [["a", '{"x": [1, 2]}'], ["b", "raw args"], ["c", "{broken"]],
    });
  });

  it("should leave a call without a message part in the content", () => {
    const text = "<|channel|>commentary to=functions.a json<|call|>";
    expect(tools.extract(text)).toEqual({ content: text, toolCalls: [] });
  });
});
