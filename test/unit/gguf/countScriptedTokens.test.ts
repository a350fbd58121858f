import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LlamaModel } from "node-llama-cpp";
import { scriptedChatPrompt } from "../../helpers/renderChatTemplate.js";
import { countScriptedTokens } from "../../models/countScriptedTokens.js";
import { ensureScriptedReasoningModel } from "../../models/ensureScriptedReasoningModel.js";
import { SCRIPTED_THINK_ON_TEXT } from "../../models/scriptedReasoningScript.js";
import { SCRIPTED_TOOL_CALL_TEXT } from "../../models/scriptedToolCallScript.js";
import { scriptedVocabulary } from "../../models/scriptedVocabulary.js";
import { tokenizeByteLevelBpe } from "../../models/tokenizeByteLevelBpe.js";
import { loadTestModel } from "./loadTestModel.js";

const samples = [
  "",
  "Hello! How can I help you today?",
  "Okay, the user said hello. Reply with a friendly greeting.",
  "  leading spaces\n\n\nand   inner   runs\t\ttabs \r\n crlf",
  "numbers 12345 and 3.14159, symbols: {\"a\": [1, 2]} <b>html</b> it's we'll I'M",
  "unicode: héllo wörld ✓ 日本語 🙂 ñ",
  "<think>\nreasoning\n</think>\n\nanswer<|im_end|> <|im_start|>system <tool_call>x</tool_call> <tool_response>",
  "/think and /no_think and get_weather",
  SCRIPTED_THINK_ON_TEXT,
  SCRIPTED_TOOL_CALL_TEXT,
];

describe("countScriptedTokens", () => {
  let model: LlamaModel;
  beforeAll(async () => {
    model = await loadTestModel(ensureScriptedReasoningModel());
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it.each(samples)("should tokenize %j exactly like llama.cpp", (text) => {
    const vocabulary = scriptedVocabulary();
    expect(tokenizeByteLevelBpe(vocabulary, text)).toEqual([...model.tokenize(text, true)]);
    expect(tokenizeByteLevelBpe(vocabulary, text, { special: false })).toEqual([...model.tokenize(text, false)]);
  });

  it("should count the rendered chat prompt like llama.cpp", () => {
    const messages = [
      { role: "system", content: "You are terse." },
      { role: "user", content: "Hi there /no_think" },
    ];
    for (const enableThinking of [undefined, false]) {
      const prompt = scriptedChatPrompt(messages, enableThinking === undefined ? {} : { enableThinking });
      expect(countScriptedTokens(prompt)).toBe(model.tokenize(prompt, true).length);
    }
    // <|im_start|> user \n H i <|im_end|> \n <|im_start|> assistant \n
    expect(countScriptedTokens(scriptedChatPrompt([{ role: "user", content: "Hi" }]))).toBe(10);
  });
});
