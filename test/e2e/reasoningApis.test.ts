import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureScriptedReasoningModel } from "../models/ensureScriptedReasoningModel.js";
import { ensureScriptedToolCallModel } from "../models/ensureScriptedToolCallModel.js";
import { SCRIPTED_ANSWER, SCRIPTED_REASONING, SCRIPTED_THINK_ON_TOKENS } from "../models/scriptedReasoningScript.js";
import {
  SCRIPTED_TOOL_ARGUMENTS,
  SCRIPTED_TOOL_CALL_REASONING,
  SCRIPTED_TOOL_NAME,
  SCRIPTED_TOOL_RESULT_ANSWER,
} from "../models/scriptedToolCallScript.js";
import { createTempHome } from "../helpers/cli.js";
import { createControllerSandbox, llmserve, removeControllerSandbox, writeServeConfig, type ControllerSandbox } from "../helpers/controllerHarness.js";
import { startServingReplica, type ReplicaProcess } from "../helpers/startReplica.js";

const MODEL = "scripted-qwen3";
/** The generated tokens of the script's thought: `\nOkay` through `.\n` (the tags and the answer excluded). */
const THOUGHT_TOKENS = SCRIPTED_THINK_ON_TOKENS.slice(1, SCRIPTED_THINK_ON_TOKENS.indexOf("</think>"));
const SCRIPTED_REASONING_TOKENS = THOUGHT_TOKENS.length;
/** The thought cut by a budget: the model's first budget - 1 tokens, then the `\n` of the forced `\n</think>\n\n`. */
const budgetedThought = (budget: number): string => `${THOUGHT_TOKENS.slice(0, budget - 1).join("")}\n`;
const WEATHER_TOOL = {
  name: SCRIPTED_TOOL_NAME,
  description: "Current weather in a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

type ChatUsage = { completion_tokens: number; completion_tokens_details?: { reasoning_tokens: number } };

/** Reasoning text and reasoning_tokens of one chat completion, streamed or not. */
async function chatReasoning(client: OpenAI, extra: Record<string, unknown>, stream: boolean): Promise<{ reasoning: string; tokens: number; content: string }> {
  const body = { model: MODEL, messages: [{ role: "user", content: "hello" }], ...extra };
  if (!stream) {
    const response = await client.chat.completions.create(body as never as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const message = response.choices[0]!.message as unknown as { reasoning_content: string | null; content: string | null };
    return { reasoning: message.reasoning_content ?? "", content: message.content ?? "", tokens: (response.usage as ChatUsage).completion_tokens_details!.reasoning_tokens };
  }
  const chunks = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } } as never as OpenAI.ChatCompletionCreateParamsStreaming);
  let reasoning = "";
  let content = "";
  let tokens = -1;
  for await (const chunk of chunks) {
    const delta = chunk.choices[0]?.delta as { reasoning_content?: string; content?: string } | undefined;
    reasoning += delta?.reasoning_content ?? "";
    content += delta?.content ?? "";
    if (chunk.usage) tokens = (chunk.usage as ChatUsage).completion_tokens_details!.reasoning_tokens;
  }
  return { reasoning, content, tokens };
}

describe.each([
  { path: "native generation loop", env: {} as Record<string, string> },
  { path: "node-llama-cpp generation", env: { LLMSERVE_GENERATION_LOOP: "off" } as Record<string, string> },
])("thinking budgets and reasoning_tokens ($path)", ({ env }) => {
  const home = createTempHome();
  let replica: ReplicaProcess;
  let client: OpenAI;

  beforeAll(async () => {
    ({ replica, client } = await startServingReplica(home.path, {
      modelId: MODEL,
      source: ensureScriptedReasoningModel(),
      engineKwargs: { reasoning_parser: "qwen3" },
      envVars: env,
    }));
  });
  afterAll(async () => {
    await replica?.kill();
    home.remove();
  });

  it("should count the reasoning's tokens alike streamed and not, equal to the tokens of the reasoning text", async () => {
    for (const stream of [false, true]) {
      const result = await chatReasoning(client, {}, stream);
      expect(result.reasoning).toBe(`\n${SCRIPTED_REASONING}\n`);
      expect(result.tokens).toBe(SCRIPTED_REASONING_TOKENS);
    }
  });

  it("should end the thought after exactly the budget and still answer, for every budget below the model's own length", async () => {
    for (const budget of [1, 4, SCRIPTED_REASONING_TOKENS - 1]) {
      const plain = await chatReasoning(client, { thinking_token_budget: budget }, false);
      const streamed = await chatReasoning(client, { max_thinking_tokens: budget, max_tokens: 40 }, true);
      for (const result of [plain, streamed]) {
        expect(result.tokens).toBe(budget);
        expect(result.reasoning).toBe(budgetedThought(budget));
        expect(result.content).toBe(`\n\n${SCRIPTED_ANSWER}`);
      }
      expect(streamed.reasoning).toBe(plain.reasoning);
    }
  });

  it("should switch thinking off with a budget of 0 on a hybrid template, and leave a generous budget unused", async () => {
    const off = await chatReasoning(client, { thinking_token_budget: 0 }, false);
    expect(off).toEqual({ reasoning: "", content: SCRIPTED_ANSWER, tokens: 0 });
    const generous = await chatReasoning(client, { thinking_token_budget: 1000 }, true);
    expect(generous.tokens).toBe(SCRIPTED_REASONING_TOKENS);
  });
});

describe("/v1/messages and /v1/responses on the scripted reasoning model", () => {
  const home = createTempHome();
  let replica: ReplicaProcess;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    ({ replica, client: openai } = await startServingReplica(home.path, {
      modelId: MODEL,
      source: ensureScriptedReasoningModel(),
      engineKwargs: { reasoning_parser: "qwen3", thinking_token_budget: 1000 },
    }));
    anthropic = new Anthropic({ baseURL: replica.baseUrl, apiKey: "unused", maxRetries: 0 });
  });
  afterAll(async () => {
    await replica?.kill();
    home.remove();
  });

  it("should answer messages.create with a signed thinking block, then the text, and messages.stream with the same", async () => {
    const params = { model: MODEL, max_tokens: 100, messages: [{ role: "user" as const, content: "hello" }] };
    const message = await anthropic.messages.create(params);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.content.map((block) => block.type)).toEqual(["thinking", "text"]);
    const [thinking, text] = message.content as [Anthropic.ThinkingBlock, Anthropic.TextBlock];
    expect(thinking.thinking).toBe(`\n${SCRIPTED_REASONING}\n`);
    expect(thinking.signature.length).toBeGreaterThan(0);
    expect(text.text).toBe(`\n\n${SCRIPTED_ANSWER}`);
    expect(message.usage.output_tokens).toBe(26);

    const stream = anthropic.messages.stream(params);
    const kinds: string[] = [];
    stream.on("streamEvent", (event) => kinds.push(event.type === "content_block_delta" ? event.delta.type : event.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual(message.content);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.output_tokens).toBe(26);
    expect(kinds[0]).toBe("message_start");
    expect(kinds).toContain("thinking_delta");
    expect(kinds).toContain("signature_delta");
    expect(kinds.indexOf("thinking_delta")).toBeLessThan(kinds.indexOf("text_delta"));
    expect(kinds.slice(-2)).toEqual(["message_delta", "message_stop"]);
  });

  it("should map thinking.budget_tokens onto the budget exactly, and thinking disabled onto thinking off", async () => {
    const budget = 5;
    const params = { model: MODEL, max_tokens: 100, thinking: { type: "enabled" as const, budget_tokens: budget }, messages: [{ role: "user" as const, content: "hello" }] };
    const plain = await anthropic.messages.create(params);
    const streamed = await anthropic.messages.stream(params).finalMessage();
    for (const message of [plain, streamed]) {
      const thinking = message.content[0] as Anthropic.ThinkingBlock;
      expect(thinking.thinking).toBe(budgetedThought(budget));
      expect((message.content[1] as Anthropic.TextBlock).text).toBe(`\n\n${SCRIPTED_ANSWER}`);
    }
    const off = await anthropic.messages.create({ ...params, thinking: { type: "disabled" } });
    expect(off.content).toEqual([{ type: "text", text: SCRIPTED_ANSWER }]);
  });

  it("should say which stop sequence or limit ended the message", async () => {
    const request = { model: MODEL, messages: [{ role: "user" as const, content: "hello" }], thinking: { type: "disabled" as const } };
    const stopped = await anthropic.messages.create({ ...request, max_tokens: 100, stop_sequences: [" How"] });
    expect(stopped).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: " How", content: [{ type: "text", text: "Hello!" }] });
    const streamed = await anthropic.messages.stream({ ...request, max_tokens: 100, stop_sequences: [" How"] }).finalMessage();
    expect(streamed).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: " How" });
    const cut = await anthropic.messages.create({ ...request, max_tokens: 2 });
    expect(cut).toMatchObject({ stop_reason: "max_tokens", stop_sequence: null, content: [{ type: "text", text: "Hello!" }] });
  });

  it("should count tokens like the prompt messages.create renders, and answer errors in Anthropic's shape", async () => {
    const counted = await anthropic.messages.countTokens({ model: MODEL, messages: [{ role: "user", content: "hello" }] });
    const created = await anthropic.messages.create({ model: MODEL, max_tokens: 1, messages: [{ role: "user", content: "hello" }] });
    expect(counted.input_tokens).toBe(created.usage.input_tokens);
    const error = await anthropic.messages.create({ model: MODEL, max_tokens: 10, messages: [] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: expect.stringContaining("'messages'") },
    });
  });

  it("should answer responses.create with a reasoning item, the output text and reasoning_tokens, streamed alike", async () => {
    const params = { model: MODEL, input: "hello", reasoning: { summary: "auto" as const }, thinking_token_budget: 3 };
    const response = await openai.responses.create(params as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    expect(response.status).toBe("completed");
    expect((response as unknown as { store: boolean }).store).toBe(false);
    expect(response.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
    const reasoning = response.output[0] as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.summary).toEqual([{ type: "summary_text", text: reasoning.content![0]!.text }]);
    expect(reasoning.content![0]!.text).toBe(budgetedThought(3));
    expect(response.output_text).toBe(`\n\n${SCRIPTED_ANSWER}`);
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(3);

    const events = await openai.responses.create({ ...params, stream: true } as OpenAI.Responses.ResponseCreateParamsStreaming);
    const types: string[] = [];
    let reasoningText = "";
    let outputText = "";
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of events) {
      types.push(event.type);
      if (event.type === "response.reasoning_text.delta") reasoningText += event.delta;
      if (event.type === "response.output_text.delta") outputText += event.delta;
      if (event.type === "response.completed") completed = event.response;
    }
    expect(types.slice(0, 3)).toEqual(["response.created", "response.in_progress", "response.output_item.added"]);
    expect(types.at(-1)).toBe("response.completed");
    expect(reasoningText).toBe(reasoning.content![0]!.text);
    expect(outputText).toBe(response.output_text);
    expect(completed?.usage?.output_tokens_details.reasoning_tokens).toBe(3);
    expect(completed?.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
  });

  it("should refuse previous_response_id with a clear 400: nothing is stored", async () => {
    const error = await openai.responses.create({ model: MODEL, input: "hello", previous_response_id: "resp_123" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain("previous_response_id");
  });
});

describe("tool use and an agent loop through the controller (Qwen3 template, hermes tool calls)", () => {
  let sandbox: ControllerSandbox;
  const KEY = "test-key-0123";
  let base: string;

  beforeAll(async () => {
    sandbox = await createControllerSandbox("reasoning-apis");
    const config = writeServeConfig(join(sandbox.dir, "app.yaml"), sandbox.port, [
      {
        name: "agents",
        routePrefix: "/agents",
        models: [{ id: "tools", source: ensureScriptedToolCallModel(), engineKwargs: { enable_auto_tool_choice: true, tool_call_parser: "hermes", max_model_len: 2048 } }],
      },
    ]);
    const file = JSON.parse(readFileSync(config, "utf8")) as { http_options: Record<string, unknown> };
    file.http_options["api_key_env"] = "TEST_LLMSERVE_KEY";
    writeFileSync(config, JSON.stringify(file));
    const run = await llmserve(["run", config, "--non-blocking"], sandbox.home.path, { TEST_LLMSERVE_KEY: KEY });
    expect(run.exitCode, String(run.stderr)).toBe(0);
    base = `http://127.0.0.1:${sandbox.port}/agents`;
  });
  afterAll(async () => {
    await llmserve(["shutdown", "-y"], sandbox.home.path);
    removeControllerSandbox(sandbox);
  });

  it("should refuse a wrong x-api-key in Anthropic's shape", async () => {
    const client = new Anthropic({ baseURL: base, apiKey: "wrong", maxRetries: 0 });
    const error = await client.messages.create({ model: "tools", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });

  it("should run a several-turn Anthropic tool loop with thinking on to the end without a 4xx", async () => {
    const client = new Anthropic({ baseURL: base, apiKey: KEY, maxRetries: 0 });
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: "What is the weather in Paris?" }];
    const stops: string[] = [];
    for (let turn = 0; turn < 4; turn++) {
      const request = { model: "tools", max_tokens: 200, thinking: { type: "enabled" as const, budget_tokens: 100 }, tools: [WEATHER_TOOL], messages };
      // Streamed and not in turn: the tool call comes as input_json_delta the SDK reassembles.
      const reply = turn % 2 === 0 ? await client.messages.stream(request).finalMessage() : await client.messages.create(request);
      stops.push(reply.stop_reason ?? "");
      messages.push({ role: "assistant", content: reply.content });
      const uses = reply.content.filter((block): block is Anthropic.ToolUseBlock => block.type === "tool_use");
      if (uses.length > 0) {
        expect(reply.content[0]).toMatchObject({ type: "thinking", thinking: `\n${SCRIPTED_TOOL_CALL_REASONING}\n` });
        expect(uses[0]).toMatchObject({ name: SCRIPTED_TOOL_NAME, input: SCRIPTED_TOOL_ARGUMENTS });
        messages.push({ role: "user", content: uses.map((use) => ({ type: "tool_result" as const, tool_use_id: use.id, content: "sunny, 24 C" })) });
      } else {
        expect(reply.content.at(-1)).toMatchObject({ type: "text", text: `\n\n${SCRIPTED_TOOL_RESULT_ANSWER}` });
        messages.push({ role: "user", content: "And tomorrow?" });
      }
    }
    expect(stops).toEqual(["tool_use", "end_turn", "end_turn", "end_turn"]);
  });

  it("should make a function_call round trip on /v1/responses through the route prefix", async () => {
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: KEY, maxRetries: 0 });
    const tools = [{ type: "function" as const, name: SCRIPTED_TOOL_NAME, parameters: WEATHER_TOOL.input_schema, strict: false }];
    const first = await client.responses.create({ model: "tools", input: "Weather in Paris?", tools });
    const call = first.output.find((item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === "function_call");
    expect(call).toMatchObject({ name: SCRIPTED_TOOL_NAME });
    expect(JSON.parse(call!.arguments)).toEqual(SCRIPTED_TOOL_ARGUMENTS);
    const events = await client.responses.create({ model: "tools", input: "Weather in Paris?", tools, stream: true });
    let streamedArguments = "";
    let streamedCall: OpenAI.Responses.ResponseFunctionToolCall | undefined;
    for await (const event of events) {
      if (event.type === "response.function_call_arguments.delta") streamedArguments += event.delta;
      if (event.type === "response.output_item.done" && event.item.type === "function_call") streamedCall = event.item;
    }
    expect(JSON.parse(streamedArguments)).toEqual(SCRIPTED_TOOL_ARGUMENTS);
    expect(streamedCall).toMatchObject({ name: SCRIPTED_TOOL_NAME, arguments: streamedArguments, status: "completed" });
    const second = await client.responses.create({
      model: "tools",
      tools,
      input: [{ role: "user", content: "Weather in Paris?" }, ...first.output, { type: "function_call_output", call_id: call!.call_id, output: "sunny" }] as OpenAI.Responses.ResponseInput,
    });
    expect(second.output_text).toBe(`\n\n${SCRIPTED_TOOL_RESULT_ANSWER}`);
  });
});
