import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LlamaModel } from "node-llama-cpp";
import { ensureScriptedReasoningModel } from "../../models/ensureScriptedReasoningModel.js";
import { qwen3ChatTemplate } from "../../models/qwen3ChatTemplate.js";
import {
  SCRIPTED_ANSWER,
  SCRIPTED_COMPLETION_PROMPT,
  SCRIPTED_THINK_OFF_TOKENS,
  SCRIPTED_THINK_ON_COMPLETION_TOKENS,
  SCRIPTED_THINK_ON_TEXT,
  SCRIPTED_THINK_ON_TOKENS,
} from "../../models/scriptedReasoningScript.js";
import { renderChatTemplate } from "../../helpers/renderChatTemplate.js";
import { greedyTokens, loadTestModel, openAIDefaultSampling } from "./loadTestModel.js";

describe("ensureScriptedReasoningModel", () => {
  let model: LlamaModel;
  beforeAll(async () => {
    model = await loadTestModel(ensureScriptedReasoningModel());
  });
  afterAll(async () => {
    await model?.dispose();
  });

  const messages = [{ role: "user", content: "Hi there" }];

  it("should emit the think-on script after the generation prompt", async () => {
    const prompt = renderChatTemplate(qwen3ChatTemplate, { messages });
    expect(prompt).toBe("<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n");
    const { texts } = await greedyTokens(model, prompt);
    expect(texts).toEqual(SCRIPTED_THINK_ON_TOKENS);
    expect(texts.length).toBe(SCRIPTED_THINK_ON_COMPLETION_TOKENS);
    expect(texts.slice(0, -1).join("")).toBe(SCRIPTED_THINK_ON_TEXT);
  });

  it("should emit the answer alone with enable_thinking false", async () => {
    const prompt = renderChatTemplate(qwen3ChatTemplate, { messages, enable_thinking: false });
    expect(prompt.endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n")).toBe(true);
    const { texts } = await greedyTokens(model, prompt);
    expect(texts).toEqual(SCRIPTED_THINK_OFF_TOKENS);
  });

  it("should follow the script with OpenAI's default sampling too (temperature 1)", async () => {
    const prompt = renderChatTemplate(qwen3ChatTemplate, { messages });
    for (const seed of [1, 2, 3, 4, 5]) {
      const { texts } = await greedyTokens(model, prompt, 64, 512, openAIDefaultSampling(seed));
      expect(texts).toEqual(SCRIPTED_THINK_ON_TOKENS);
    }
  });

  it("should continue any prompt outside the script with the answer", async () => {
    const { texts } = await greedyTokens(model, SCRIPTED_COMPLETION_PROMPT);
    expect(texts.slice(0, -1).join("")).toBe(SCRIPTED_ANSWER);
    expect(model.isEogToken(model.tokenize(texts.at(-1)!, true)[0]!)).toBe(true);
  });
});
