import { describe, expect, it } from "vitest";
import { messagesToChatBody } from "../../../src/replica/http/anthropic/messagesToChatBody.js";
import { OpenAIHttpError } from "../../../src/replica/http/OpenAIHttpError.js";
import { responsesToChatBody } from "../../../src/replica/http/responses/responsesToChatBody.js";

/** The chat messages both translators make of "Be brief." / "Paris?" / a thought and a call / its result. */
function toolRoundTrip(id: string): Record<string, unknown>[] {
  return [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Paris?" },
    {
      role: "assistant",
      content: null,
      reasoning_content: "Call it.",
      tool_calls: [{ id, type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
    },
    { role: "tool", tool_call_id: id, content: "sunny" },
  ];
}

function refusal(run: () => unknown): { status: number; param: string | null; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof OpenAIHttpError) return { status: error.status, param: error.param, message: error.message };
    throw error;
  }
  throw new Error("expected a 400");
}

describe("messagesToChatBody", () => {
  it("should turn an Anthropic tool-use conversation with thinking into chat messages, tools and a budget", () => {
    const chat = messagesToChatBody({
      model: "m",
      max_tokens: 100,
      system: [{ type: "text", text: "Be brief." }],
      thinking: { type: "enabled", budget_tokens: 64 },
      tools: [{ name: "get_weather", description: "weather", input_schema: { type: "object" } }],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
      stop_sequences: ["END"],
      messages: [
        { role: "user", content: "Paris?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Call it.", signature: "x" },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "sunny" }] }, { type: "text", text: "Thanks" }] },
      ],
    });
    expect(chat).toEqual({
      model: "m",
      max_tokens: 100,
      stream: false,
      stop: ["END"],
      thinking_token_budget: 64,
      chat_template_kwargs: { enable_thinking: true, thinking: true },
      tools: [{ type: "function", function: { name: "get_weather", description: "weather", parameters: { type: "object" } } }],
      tool_choice: "required",
      parallel_tool_calls: false,
      messages: [
        ...toolRoundTrip("toolu_1"),
        { role: "user", content: "Thanks" },
      ],
    });
  });

  it("should map thinking disabled to a zero budget and refuse what it cannot serve with the field named", () => {
    expect(messagesToChatBody({ model: "m", thinking: { type: "disabled" }, messages: [{ role: "user", content: "x" }] })["thinking_token_budget"]).toBe(0);
    expect(refusal(() => messagesToChatBody({ model: "m", messages: [] }))).toMatchObject({ status: 400, param: "messages" });
    expect(refusal(() => messagesToChatBody({ model: "m", messages: [{ role: "user", content: [{ type: "image", source: {} }] }] }))).toMatchObject({
      param: "messages[0].content[0]",
      message: expect.stringContaining("image"),
    });
    expect(refusal(() => messagesToChatBody({ model: "m", messages: [{ role: "user", content: "x" }], tools: [{ type: "web_search_20250305", name: "s" }] }))).toMatchObject({
      param: "tools[0]",
    });
    expect(refusal(() => messagesToChatBody({ model: "m", messages: [{ role: "user", content: "x" }], thinking: { type: "enabled", budget_tokens: -1 } }))).toMatchObject({
      param: "thinking.budget_tokens",
    });
  });
});

describe("responsesToChatBody", () => {
  it("should turn instructions and items into chat messages, the reasoning joining the assistant turn after it", () => {
    const chat = responsesToChatBody({
      model: "m",
      instructions: "Be brief.",
      max_output_tokens: 50,
      reasoning: { effort: "low", summary: "auto" },
      text: { format: { type: "json_schema", name: "City", schema: { type: "object" }, strict: true } },
      tools: [{ type: "function", name: "get_weather", parameters: { type: "object" } }],
      tool_choice: { type: "function", name: "get_weather" },
      input: [
        { role: "user", content: [{ type: "input_text", text: "Paris?" }] },
        { type: "reasoning", id: "rs_1", summary: [], content: [{ type: "reasoning_text", text: "Call it." }] },
        { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
        { type: "function_call_output", call_id: "call_1", output: "sunny" },
      ],
    });
    expect(chat).toEqual({
      model: "m",
      max_tokens: 50,
      reasoning_effort: "low",
      response_format: { type: "json_schema", json_schema: { name: "City", schema: { type: "object" }, strict: true } },
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }],
      tool_choice: { type: "function", function: { name: "get_weather" } },
      messages: [
        ...toolRoundTrip("call_1"),
      ],
    });
  });

  it("should refuse stored state, built-in tools and unknown items with the field named", () => {
    expect(refusal(() => responsesToChatBody({ model: "m", input: "x", previous_response_id: "resp_1" }))).toMatchObject({
      status: 400,
      param: "previous_response_id",
      message: expect.stringContaining("stores none"),
    });
    expect(refusal(() => responsesToChatBody({ model: "m", input: "x", tools: [{ type: "web_search" }] }))).toMatchObject({ param: "tools[0]" });
    expect(refusal(() => responsesToChatBody({ model: "m", input: [{ type: "item_reference", id: "x" }] }))).toMatchObject({ param: "input[0].type" });
    expect(refusal(() => responsesToChatBody({ model: "m", input: [] }))).toMatchObject({ param: "input" });
  });
});
