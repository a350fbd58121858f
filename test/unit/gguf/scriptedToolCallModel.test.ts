import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LlamaModel } from "node-llama-cpp";
import { ensureScriptedToolCallModel } from "../../models/ensureScriptedToolCallModel.js";
import { qwen3ChatTemplate } from "../../models/qwen3ChatTemplate.js";
import {
  SCRIPTED_TOOL_ARGUMENTS,
  SCRIPTED_TOOL_CALL_BLOCK,
  SCRIPTED_TOOL_CALL_TEXT,
  SCRIPTED_TOOL_CALL_TOKENS,
  SCRIPTED_TOOL_NAME,
  SCRIPTED_TOOL_RESULT_TEXT,
  SCRIPTED_TOOL_RESULT_TOKENS,
} from "../../models/scriptedToolCallScript.js";
import { renderChatTemplate } from "../../helpers/renderChatTemplate.js";
import { greedyTokens, loadTestModel, openAIDefaultSampling } from "./loadTestModel.js";

const tools = [
  {
    type: "function",
    function: {
      name: SCRIPTED_TOOL_NAME,
      description: "Current weather in a city",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  },
];

describe("ensureScriptedToolCallModel", () => {
  let model: LlamaModel;
  beforeAll(async () => {
    model = await loadTestModel(ensureScriptedToolCallModel());
  });
  afterAll(async () => {
    await model?.dispose();
  });

  const question = [{ role: "user", content: "What is the weather in Paris?" }];

  it("should reason and then call get_weather in the hermes format", async () => {
    const prompt = renderChatTemplate(qwen3ChatTemplate, { messages: question, tools });
    expect(prompt).toContain('<tools>\n{"type": "function"');
    const { texts } = await greedyTokens(model, prompt);
    expect(texts).toEqual(SCRIPTED_TOOL_CALL_TOKENS);
    const text = texts.slice(0, -1).join("");
    expect(text).toBe(SCRIPTED_TOOL_CALL_TEXT);
    const call = /<tool_call>\n(.*)\n<\/tool_call>/s.exec(text)?.[1];
    expect(JSON.parse(call!)).toEqual({ name: SCRIPTED_TOOL_NAME, arguments: SCRIPTED_TOOL_ARGUMENTS });
  });

  it("should answer once the tool result is in the conversation", async () => {
    const messages = [
      ...question,
      {
        role: "assistant",
        content: "",
        tool_calls: [{ id: "call_1", type: "function", function: { name: SCRIPTED_TOOL_NAME, arguments: '{"city": "Paris"}' } }],
      },
      { role: "tool", tool_call_id: "call_1", content: '{"temperature": 22, "sky": "clear"}' },
    ];
    const prompt = renderChatTemplate(qwen3ChatTemplate, { messages, tools });
    expect(prompt).toContain(`${SCRIPTED_TOOL_CALL_BLOCK}<|im_end|>\n<|im_start|>user\n<tool_response>\n`);
    const { texts } = await greedyTokens(model, prompt);
    expect(texts).toEqual(SCRIPTED_TOOL_RESULT_TOKENS);
    expect(texts.slice(0, -1).join("")).toBe(SCRIPTED_TOOL_RESULT_TEXT);
    for (const seed of [1, 2, 3]) {
      const sampled = await greedyTokens(model, prompt, 64, 512, openAIDefaultSampling(seed));
      expect(sampled.texts).toEqual(SCRIPTED_TOOL_RESULT_TOKENS);
    }
  });

  it("should keep the tool-result script far from the marker", async () => {
    const filler = Array.from({ length: 20 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `turn number ${i} with some words` }));
    const messages = [
      { role: "user", content: "<tool_response>\nearly result\n</tool_response>" },
      ...filler,
      { role: "user", content: "and now?" },
    ];
    const prompt = renderChatTemplate(qwen3ChatTemplate, { messages });
    expect(model.tokenize(prompt, true).length).toBeGreaterThan(400);
    const { texts } = await greedyTokens(model, prompt, 64, 2048);
    expect(texts).toEqual(SCRIPTED_TOOL_RESULT_TOKENS);
  });
});
