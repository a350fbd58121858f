import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempHome } from "../helpers/cli.js";
import { startServingReplica, type ReplicaProcess } from "../helpers/startReplica.js";
import { ensureScriptedHarmonyModel } from "../models/ensureScriptedHarmonyModel.js";
import { HARMONY_ANSWER, HARMONY_REASONING, HARMONY_TEXT, HARMONY_TOKENS } from "../models/scriptedHarmonyScript.js";

const MODEL = "scripted-gpt-oss";
const MESSAGES: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: "user", content: "Hi there" }];
type WithReasoning = { reasoning_content?: string | null; reasoning?: string | null };

describe("llmserve replica (scripted harmony model, reasoning_parser openai_gptoss)", () => {
  const home = createTempHome();
  let replica: ReplicaProcess;
  let client: OpenAI;

  beforeAll(async () => {
    ({ replica, client } = await startServingReplica(home.path, {
      modelId: MODEL,
      source: ensureScriptedHarmonyModel(),
      engineKwargs: { reasoning_parser: "openai_gptoss" },
    }));
  });
  afterAll(async () => {
    await replica?.kill();
    home.remove();
  });

  it("should generate gpt-oss's text: the analysis, <|end|>, then the final message (not stopping at <|end|>)", async () => {
    const completion = await client.completions.create({
      model: MODEL,
      prompt: "<|start|>user<|message|>Hi there<|end|><|start|>assistant",
      max_tokens: 64,
    });
    expect(completion.choices[0]?.text).toBe(HARMONY_TEXT);
    expect(completion.choices[0]?.finish_reason).toBe("stop");
  });

  it("should split the analysis channel into reasoning and the final channel into content, streamed or not", async () => {
    const response = await client.chat.completions.create({ model: MODEL, messages: MESSAGES });
    const message = response.choices[0]!.message as typeof response.choices[0]["message"] & WithReasoning;
    expect(message.content).toBe(HARMONY_ANSWER);
    expect(message.reasoning_content).toBe(HARMONY_REASONING);
    expect(message.reasoning).toBe(HARMONY_REASONING);
    expect(response.choices[0]!.finish_reason).toBe("stop");
    expect(response.usage?.completion_tokens).toBe(HARMONY_TOKENS.length);

    const stream = await client.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true });
    let reasoning = "";
    let content = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice === undefined) continue;
      const delta = choice.delta as typeof choice.delta & WithReasoning;
      reasoning += delta.reasoning_content ?? "";
      content += delta.content ?? "";
      // No delta ever carries harmony markup.
      expect(`${delta.reasoning_content ?? ""}${delta.content ?? ""}`).not.toContain("<|");
      finish = choice.finish_reason ?? finish;
    }
    expect({ reasoning, content, finish }).toEqual({ reasoning: message.reasoning_content, content: message.content, finish: "stop" });
  });
});
