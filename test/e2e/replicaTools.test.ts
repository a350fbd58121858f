import OpenAI from "openai";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempHome } from "../helpers/cli.js";
import { startServingReplica, type ReplicaProcess } from "../helpers/startReplica.js";
import { ensureRandomTinyModel } from "../models/ensureRandomTinyModel.js";
import { ensureScriptedToolCallModel } from "../models/ensureScriptedToolCallModel.js";
import {
  SCRIPTED_TOOL_ARGUMENTS_JSON,
  SCRIPTED_TOOL_CALL_REASONING,
  SCRIPTED_TOOL_CALL_TOKENS,
  SCRIPTED_TOOL_NAME,
  SCRIPTED_TOOL_RESULT_ANSWER,
  SCRIPTED_TOOL_RESULT_REASONING,
} from "../models/scriptedToolCallScript.js";
import { PERSON_SCHEMA } from "../unit/structured/pydanticSchemas.js";

const TOOLS: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  {
    type: "function",
    function: {
      name: SCRIPTED_TOOL_NAME,
      description: "Current weather in a city",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
    },
  },
];
const QUESTION: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: "user", content: "What is the weather in Paris?" }];
type WithReasoning = { reasoning_content?: string | null; reasoning?: string | null };

describe("llmserve replica: tools and structured output (issue 7)", () => {
  const home = createTempHome();
  let tools: ReplicaProcess;
  let random: ReplicaProcess;
  let toolClient: OpenAI;
  let randomClient: OpenAI;

  beforeAll(async () => {
    [{ replica: tools, client: toolClient }, { replica: random, client: randomClient }] = await Promise.all([
      startServingReplica(home.path, {
        modelId: "scripted-tools",
        source: ensureScriptedToolCallModel(),
        engineKwargs: { reasoning_parser: "qwen3", enable_auto_tool_choice: true, tool_call_parser: "hermes", max_model_len: 2048 },
      }),
      startServingReplica(home.path, { modelId: "random-tiny", source: ensureRandomTinyModel(), engineKwargs: { max_model_len: 1024 } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([tools?.kill(), random?.kill()]);
    home.remove();
  });

  it("should return the model's call as message.tool_calls with finish_reason tool_calls, parsed from the content only", async () => {
    const response = await toolClient.chat.completions.create({ model: "scripted-tools", messages: QUESTION, tools: TOOLS });
    const choice = response.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    expect((choice.message as WithReasoning).reasoning_content).toBe(`\n${SCRIPTED_TOOL_CALL_REASONING}\n`);
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0]! as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
    expect(call.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(call.type).toBe("function");
    expect(call.function).toEqual({ name: SCRIPTED_TOOL_NAME, arguments: SCRIPTED_TOOL_ARGUMENTS_JSON });
  });

  it("should stream the call as delta.tool_calls pieces the openai client reassembles", async () => {
    const stream = await toolClient.chat.completions.create({ model: "scripted-tools", messages: QUESTION, tools: TOOLS, stream: true });
    let reasoning = "";
    let content = "";
    let finish: string | null = null;
    const calls: { id?: string; name?: string; arguments: string }[] = [];
    const firstPieces: unknown[] = [];
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice === undefined) continue;
      reasoning += (choice.delta as WithReasoning).reasoning_content ?? "";
      content += choice.delta.content ?? "";
      for (const piece of choice.delta.tool_calls ?? []) {
        if (piece.id !== undefined) {
          firstPieces.push(piece);
          calls[piece.index] = { id: piece.id, name: piece.function?.name, arguments: piece.function?.arguments ?? "" };
        } else calls[piece.index]!.arguments += piece.function?.arguments ?? "";
      }
      finish = choice.finish_reason ?? finish;
    }
    expect(reasoning).toBe(`\n${SCRIPTED_TOOL_CALL_REASONING}\n`);
    expect(content).toBe("");
    expect(finish).toBe("tool_calls");
    expect(firstPieces[0]).toMatchObject({ index: 0, type: "function", function: { name: SCRIPTED_TOOL_NAME, arguments: "" } });
    expect(calls).toEqual([{ id: expect.stringMatching(/^call_/), name: SCRIPTED_TOOL_NAME, arguments: SCRIPTED_TOOL_ARGUMENTS_JSON }]);
  });

  it("should continue the conversation after a role tool message (full round trip)", async () => {
    const first = await toolClient.chat.completions.create({ model: "scripted-tools", messages: QUESTION, tools: TOOLS });
    const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
    const args = JSON.parse(call.function.arguments) as { city: string };
    const second = await toolClient.chat.completions.create({
      model: "scripted-tools",
      tools: TOOLS,
      messages: [
        ...QUESTION,
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: JSON.stringify({ city: args.city, weather: "sunny", celsius: 24 }) },
      ],
    });
    const choice = second.choices[0]!;
    expect(choice.finish_reason).toBe("stop");
    expect(choice.message.tool_calls ?? []).toEqual([]);
    expect(choice.message.content).toBe(`\n\n${SCRIPTED_TOOL_RESULT_ANSWER}`);
    expect((choice.message as WithReasoning).reasoning).toBe(`\n${SCRIPTED_TOOL_RESULT_REASONING}\n`);
  });

  it("should return the call text as plain content with tool_choice none", async () => {
    const response = await toolClient.chat.completions.create({ model: "scripted-tools", messages: QUESTION, tools: TOOLS, tool_choice: "none" });
    expect(response.choices[0]!.finish_reason).toBe("stop");
    expect(response.choices[0]!.message.content).toContain("<tool_call>");
    expect(response.choices[0]!.message.tool_calls ?? []).toEqual([]);
  });

  it("should make a random-weight model's content match a pydantic json_schema (strict) by the grammar alone", async () => {
    const validate = new Ajv2020({ strict: false }).compile(PERSON_SCHEMA);
    for (const seed of [11, 12]) {
      const response = await randomClient.chat.completions.create({
        model: "random-tiny",
        messages: [{ role: "user", content: "Give me a person." }],
        response_format: { type: "json_schema", json_schema: { name: "Person", schema: PERSON_SCHEMA as unknown as Record<string, unknown>, strict: true } },
        seed,
        max_tokens: 400,
      });
      expect(response.choices[0]!.finish_reason).toBe("stop");
      const parsed = JSON.parse(response.choices[0]!.message.content!) as unknown;
      expect(validate(parsed)).toBe(true);
    }
  });

  it("should stream json_schema output too", async () => {
    const stream = await randomClient.chat.completions.create({
      model: "random-tiny",
      messages: [{ role: "user", content: "Give me a person." }],
      response_format: { type: "json_schema", json_schema: { name: "Person", schema: PERSON_SCHEMA as unknown as Record<string, unknown> } },
      seed: 3,
      max_tokens: 400,
      stream: true,
    });
    let content = "";
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? "";
    expect(new Ajv2020({ strict: false }).compile(PERSON_SCHEMA)(JSON.parse(content))).toBe(true);
  });

  it("should stream characters split over several byte tokens whole, never a U+FFFD", async () => {
    const text = "é漢字😀🇫🇷 ok"; // the random model's vocabulary has byte tokens only for these: 1 token per byte
    const stream = await randomClient.chat.completions.create({
      model: "random-tiny",
      messages: [{ role: "user", content: "Say it." }],
      seed: 1,
      stream: true,
      stream_options: { include_usage: true },
      ...({ guided_choice: [text] } as object),
    });
    const deltas: string[] = [];
    let completionTokens = 0;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content;
      if (delta) deltas.push(delta);
      completionTokens = chunk.usage?.completion_tokens ?? completionTokens;
    }
    expect(completionTokens).toBe(Buffer.byteLength(text, "utf8") + 1); // really split: one token per byte, then the end
    expect(deltas.join("")).toBe(text);
    expect(deltas.filter((delta) => delta.includes("\uFFFD"))).toEqual([]);
  });

  it("should keep the reasoning free and constrain only the content with a reasoning parser", async () => {
    const schema = { type: "object", properties: { city: { type: "string", maxLength: 10 } }, required: ["city"], additionalProperties: false };
    const response = await toolClient.chat.completions.create({
      model: "scripted-tools",
      messages: QUESTION,
      response_format: { type: "json_schema", json_schema: { name: "City", schema } },
    });
    const message = response.choices[0]!.message;
    expect((message as WithReasoning).reasoning).toBe(`\n${SCRIPTED_TOOL_CALL_REASONING}\n`);
    expect(new Ajv2020().compile(schema)(JSON.parse(message.content!))).toBe(true);
  });

  it("should start the grammar and the tool-call parser after a thought closed by the thinking budget", async () => {
    const budget = 3;
    const thought = `${SCRIPTED_TOOL_CALL_TOKENS.slice(1, budget).join("")}\n`;
    const schema = { type: "object", properties: { city: { type: "string", maxLength: 10 } }, required: ["city"], additionalProperties: false };
    const json = await toolClient.chat.completions.create({
      model: "scripted-tools",
      messages: QUESTION,
      response_format: { type: "json_schema", json_schema: { name: "City", schema } },
      thinking_token_budget: budget,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect((json.choices[0]!.message as WithReasoning).reasoning).toBe(thought);
    expect(new Ajv2020().compile(schema)(JSON.parse(json.choices[0]!.message.content!))).toBe(true);
    const called = await toolClient.chat.completions.create({
      model: "scripted-tools",
      messages: QUESTION,
      tools: TOOLS,
      thinking_token_budget: budget,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect((called.choices[0]!.message as WithReasoning).reasoning).toBe(thought);
    expect(called.choices[0]!.finish_reason).toBe("tool_calls");
    expect(called.choices[0]!.message.tool_calls?.[0]).toMatchObject({ function: { name: SCRIPTED_TOOL_NAME } });
    expect((called.usage as { completion_tokens_details?: { reasoning_tokens: number } }).completion_tokens_details?.reasoning_tokens).toBe(budget);
  });

  it("should answer tool_choice auto without enable_auto_tool_choice, and bad schemas or regexes, with 400s", async () => {
    const auto = await randomClient.chat.completions.create({ model: "random-tiny", messages: QUESTION, tools: TOOLS }).catch((error: unknown) => error);
    expect(auto).toBeInstanceOf(OpenAI.BadRequestError);
    expect((auto as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/"auto" tool choice requires engine_kwargs.enable_auto_tool_choice/);
    expect((auto as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("tool_choice");
    const regex = await fetch(`${random.baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "random-tiny", messages: QUESTION, guided_regex: "(a)\\1" }),
    });
    expect(regex.status).toBe(400);
    expect(((await regex.json()) as { error: { message: string; param: string } }).error).toMatchObject({ param: "guided_regex", message: expect.stringContaining("backreference") });
    const schema = await randomClient.chat.completions.create({
      model: "random-tiny",
      messages: QUESTION,
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { $ref: "https://example.com/x.json" } } },
    }).catch((error: unknown) => error);
    expect(schema).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it("should enforce guided_choice and guided_regex on a random model", async () => {
    const choice = await fetch(`${random.baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "random-tiny", messages: QUESTION, guided_choice: ["sunny", "rainy"], seed: 1 }),
    });
    expect(["sunny", "rainy"]).toContain(((await choice.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content);
    const regex = await fetch(`${random.baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "random-tiny", messages: QUESTION, guided_regex: "[0-9]{2}-[A-Z]{3}", seed: 1 }),
    });
    expect(((await regex.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toMatch(/^[0-9]{2}-[A-Z]{3}$/);
  });
});
