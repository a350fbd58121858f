import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempHome } from "../helpers/cli.js";
import { startServingReplica, type ReplicaProcess } from "../helpers/startReplica.js";
import { ensureScriptedHarmonyModel } from "../models/ensureScriptedHarmonyModel.js";
import {
  HARMONY_ANSWER,
  HARMONY_REASONING,
  HARMONY_REASONING_TOKENS,
  HARMONY_TEXT,
  HARMONY_TOKENS,
  HARMONY_TOOL_NAME,
  HARMONY_TOOL_REASONING,
} from "../models/scriptedHarmonyScript.js";

const MODEL = "scripted-gpt-oss";
const TOOL_MODEL = "scripted-gpt-oss-tools";
const TOOLS: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  {
    type: "function",
    function: { name: HARMONY_TOOL_NAME, parameters: { type: "object", properties: { city: { type: "string" } } } },
  },
];
const MESSAGES: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: "user", content: "Hi there" }];
type WithReasoning = { reasoning_content?: string | null; reasoning?: string | null };
type ChatUsage = { completion_tokens_details?: { reasoning_tokens: number } };

describe("llmserve replica (scripted harmony model, reasoning_parser openai_gptoss)", () => {
  const home = createTempHome();
  let replica: ReplicaProcess;
  let client: OpenAI;
  let toolReplica: ReplicaProcess;
  let toolClient: OpenAI;

  beforeAll(async () => {
    [{ replica, client }, { replica: toolReplica, client: toolClient }] = await Promise.all([
      startServingReplica(home.path, {
        modelId: MODEL,
        source: ensureScriptedHarmonyModel(),
        engineKwargs: { reasoning_parser: "openai_gptoss" },
      }),
      startServingReplica(home.path, {
        modelId: TOOL_MODEL,
        source: ensureScriptedHarmonyModel({ script: "toolCall" }),
        engineKwargs: { reasoning_parser: "openai_gptoss", enable_auto_tool_choice: true, tool_call_parser: "openai" },
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([replica?.kill(), toolReplica?.kill()]);
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

  it("should end the analysis channel after exactly the thinking budget and answer in the final channel, streamed or not", async () => {
    const budget = 3;
    const body = { model: MODEL, messages: MESSAGES, thinking_token_budget: budget };
    const response = await client.chat.completions.create(body as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming);
    const message = response.choices[0]!.message as typeof response.choices[0]["message"] & WithReasoning;
    const thought = HARMONY_REASONING_TOKENS.slice(0, budget).join("");
    expect({ reasoning: message.reasoning_content, content: message.content }).toEqual({ reasoning: thought, content: HARMONY_ANSWER });
    expect((response.usage as ChatUsage).completion_tokens_details?.reasoning_tokens).toBe(budget);

    const stream = await client.chat.completions.create({
      ...body, stream: true, stream_options: { include_usage: true },
    } as OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming);
    let reasoning = "";
    let content = "";
    let reasoningTokens = -1;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as (typeof chunk.choices[0]["delta"] & WithReasoning) | undefined;
      reasoning += delta?.reasoning_content ?? "";
      content += delta?.content ?? "";
      if (chunk.usage) reasoningTokens = (chunk.usage as ChatUsage).completion_tokens_details?.reasoning_tokens ?? -1;
    }
    expect({ reasoning, content, reasoningTokens }).toEqual({ reasoning: thought, content: HARMONY_ANSWER, reasoningTokens: budget });

    const unbudgeted = await client.chat.completions.create({ model: MODEL, messages: MESSAGES });
    expect((unbudgeted.usage as ChatUsage).completion_tokens_details?.reasoning_tokens).toBe(HARMONY_REASONING_TOKENS.length);
  });

  it("should return a commentary-channel call as tool_calls, never as reasoning or content, streamed or not", async () => {
    const response = await toolClient.chat.completions.create({ model: TOOL_MODEL, messages: MESSAGES, tools: TOOLS });
    const choice = response.choices[0]!;
    const message = choice.message as typeof choice.message & WithReasoning;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(message.reasoning_content).toBe(HARMONY_TOOL_REASONING);
    expect(message.content).toBeNull();
    const call = message.tool_calls?.[0] as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
    expect(message.tool_calls).toHaveLength(1);
    // vLLM's openai parser: json.dumps(json.loads(arguments)).
    expect(call.function).toEqual({ name: HARMONY_TOOL_NAME, arguments: '{"city": "Paris"}' });

    const stream = await toolClient.chat.completions.create({ model: TOOL_MODEL, messages: MESSAGES, tools: TOOLS, stream: true });
    let reasoning = "";
    let content = "";
    let finish: string | null = null;
    const calls: { name?: string; arguments: string }[] = [];
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as (OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta & WithReasoning) | undefined;
      if (delta === undefined) continue;
      reasoning += delta.reasoning_content ?? "";
      content += delta.content ?? "";
      for (const piece of delta.tool_calls ?? []) {
        calls[piece.index] ??= { arguments: "" };
        if (piece.function?.name !== undefined) calls[piece.index]!.name = piece.function.name;
        calls[piece.index]!.arguments += piece.function?.arguments ?? "";
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect({ reasoning, content, calls, finish }).toEqual({
      reasoning: HARMONY_TOOL_REASONING,
      content: "",
      calls: [call.function],
      finish: "tool_calls",
    });
  });
});
