import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LlamaChat, QwenChatWrapper, resolveChatWrapper, type ChatHistoryItem, type ChatWrapper, type LlamaModel } from "node-llama-cpp";
import { ensureScriptedReasoningModel } from "../../models/ensureScriptedReasoningModel.js";
import { ensureScriptedToolCallModel } from "../../models/ensureScriptedToolCallModel.js";
import { SCRIPTED_ANSWER, SCRIPTED_REASONING } from "../../models/scriptedReasoningScript.js";
import {
  SCRIPTED_TOOL_ARGUMENTS,
  SCRIPTED_TOOL_CALL_REASONING,
  SCRIPTED_TOOL_NAME,
  SCRIPTED_TOOL_RESULT_ANSWER,
  SCRIPTED_TOOL_RESULT_REASONING,
} from "../../models/scriptedToolCallScript.js";
import { loadTestModel } from "./loadTestModel.js";

const functions = {
  [SCRIPTED_TOOL_NAME]: { description: "Current weather in a city", params: { type: "object", properties: { city: { type: "string" } } } },
} as const;

async function chat(model: LlamaModel, wrapper: ChatWrapper, history: ChatHistoryItem[], withFunctions = false) {
  const context = await model.createContext({ contextSize: 2048, threads: 1 });
  try {
    const llamaChat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper: wrapper });
    const result = await llamaChat.generateResponse(history, withFunctions ? { functions } : {});
    const thoughts = result.fullResponse.flatMap((item) => (typeof item !== "string" && item.segmentType === "thought" ? [item.text] : []));
    return { ...result, thoughts };
  } finally {
    await context.dispose();
  }
}

const hello: ChatHistoryItem[] = [{ type: "user", text: "Hi" }, { type: "model", response: [] }];

describe("scripted models under node-llama-cpp's chat wrappers", () => {
  let reasoningModel: LlamaModel;
  let toolModel: LlamaModel;
  beforeAll(async () => {
    reasoningModel = await loadTestModel(ensureScriptedReasoningModel());
    toolModel = await loadTestModel(ensureScriptedToolCallModel());
  });
  afterAll(async () => {
    await reasoningModel?.dispose();
    await toolModel?.dispose();
  });

  it("should resolve to the Qwen chat wrapper, as a real Qwen3 GGUF does", () => {
    expect(resolveChatWrapper(reasoningModel)).toBeInstanceOf(QwenChatWrapper);
  });

  it("should yield a thought segment and the answer", async () => {
    const result = await chat(reasoningModel, resolveChatWrapper(reasoningModel)!, hello);
    expect(result.thoughts).toEqual([SCRIPTED_REASONING]);
    expect(result.response).toBe(`\n\n${SCRIPTED_ANSWER}`);
    expect(result.metadata.stopReason).toBe("eogToken");
  });

  it("should answer without thinking when thoughts are discouraged", async () => {
    const result = await chat(reasoningModel, new QwenChatWrapper({ thoughts: "discourage" }), hello);
    expect(result.thoughts).toEqual([]);
    expect(result.response).toBe(SCRIPTED_ANSWER);
  });

  it("should make a function call through node-llama-cpp's function calling", async () => {
    const result = await chat(toolModel, new QwenChatWrapper(), [{ type: "user", text: "Weather in Paris?" }, { type: "model", response: [] }], true);
    expect(result.thoughts).toEqual([SCRIPTED_TOOL_CALL_REASONING]);
    expect(result.metadata.stopReason).toBe("functionCalls");
    expect(result.functionCalls?.map((call) => [call.functionName, call.params])).toEqual([[SCRIPTED_TOOL_NAME, SCRIPTED_TOOL_ARGUMENTS]]);
  });

  it("should answer after the function result comes back", async () => {
    const history: ChatHistoryItem[] = [
      { type: "user", text: "Weather in Paris?" },
      {
        type: "model",
        response: [
          { type: "functionCall", name: SCRIPTED_TOOL_NAME, params: SCRIPTED_TOOL_ARGUMENTS, result: { temperature: 22 } },
        ],
      },
    ];
    const result = await chat(toolModel, new QwenChatWrapper(), history, true);
    expect(result.thoughts).toEqual([SCRIPTED_TOOL_RESULT_REASONING]);
    expect(result.response.trim()).toBe(SCRIPTED_TOOL_RESULT_ANSWER);
  });
});
