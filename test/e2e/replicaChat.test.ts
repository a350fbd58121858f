import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureScriptedReasoningModel } from "../models/ensureScriptedReasoningModel.js";
import {
  SCRIPTED_ANSWER,
  SCRIPTED_COMPLETION_PROMPT,
  SCRIPTED_REASONING,
  SCRIPTED_THINK_OFF_COMPLETION_TOKENS,
  SCRIPTED_THINK_ON_COMPLETION_TOKENS,
  SCRIPTED_THINK_ON_TEXT,
  SCRIPTED_THINK_ON_TOKENS,
} from "../models/scriptedReasoningScript.js";
import { countScriptedTokens } from "../models/countScriptedTokens.js";
import { createTempHome } from "../helpers/cli.js";
import { scriptedChatPrompt } from "../helpers/renderChatTemplate.js";
import { startServingReplica, type ReplicaProcess } from "../helpers/startReplica.js";

const MODEL = "scripted-qwen3";
/** vLLM's qwen3 parser does not trim: the reasoning keeps the newlines inside <think>...</think>. */
const REASONING = `\n${SCRIPTED_REASONING}\n`;
const CONTENT_AFTER_THINK = `\n\n${SCRIPTED_ANSWER}`;

type ReasoningMessage = { content: string | null; reasoning?: string | null; reasoning_content?: string | null };

describe("llmserve replica (scripted reasoning model, reasoning_parser qwen3)", () => {
  const home = createTempHome();
  let replica: ReplicaProcess;
  let client: OpenAI;

  beforeAll(async () => {
    ({ replica, client } = await startServingReplica(home.path, {
      modelId: MODEL,
      source: ensureScriptedReasoningModel(),
      engineKwargs: { reasoning_parser: "qwen3", max_num_seqs: 4 },
    }));
  });
  afterAll(async () => {
    await replica?.kill();
    home.remove();
  });

  /** Expected prompt_tokens, computed apart from the server: the template rendered here, a TS tokenizer. */
  async function promptTokens(messages: { role: string; content: string }[], kwargs: { enable_thinking?: boolean } = {}): Promise<number> {
    const expected = countScriptedTokens(scriptedChatPrompt(messages, kwargs.enable_thinking !== undefined ? { enableThinking: kwargs.enable_thinking } : {}));
    // /tokenize agrees with it.
    const response = await fetch(`${replica.baseUrl}/tokenize`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, messages, chat_template_kwargs: kwargs }),
    });
    expect(((await response.json()) as { count: number }).count).toBe(expected);
    return expected;
  }

  it("should print listening, loading progress and ready events on stdout, and report ok on /health", async () => {
    const kinds = replica.events.map((event) => `${String(event["event"])}${event["phase"] !== undefined ? `:${String(event["phase"])}` : ""}`);
    expect(kinds[0]).toBe("listening");
    expect(kinds).toContain("progress:loading");
    expect(kinds.at(-1)).toBe("ready");
    const health = await fetch(`${replica.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", ongoing_requests: 0, queued_requests: 0 });
  });

  it("should answer a chat with the scripted reasoning and answer apart, in both fields, with exact usage", async () => {
    const messages = [{ role: "user" as const, content: "hello" }];
    const response = await client.chat.completions.create({ model: MODEL, messages, temperature: 0 });
    expect(response.object).toBe("chat.completion");
    expect(response.id).toMatch(/^chatcmpl-/);
    expect(response.model).toBe(MODEL);
    const choice = response.choices[0]!;
    const message = choice.message as unknown as ReasoningMessage;
    expect(message.content).toBe(CONTENT_AFTER_THINK);
    expect(message.reasoning_content).toBe(REASONING);
    expect(message.reasoning).toBe(REASONING);
    expect(choice.finish_reason).toBe("stop");
    const expectedPrompt = await promptTokens(messages);
    expect(expectedPrompt).toBeGreaterThan(5);
    expect(response.usage).toEqual({
      prompt_tokens: expectedPrompt,
      completion_tokens: SCRIPTED_THINK_ON_COMPLETION_TOKENS,
      total_tokens: expectedPrompt + SCRIPTED_THINK_ON_COMPLETION_TOKENS,
      completion_tokens_details: { reasoning_tokens: SCRIPTED_THINK_ON_TOKENS.indexOf("</think>") - 1 },
    });
  });

  it("should turn thinking off with chat_template_kwargs enable_thinking false: the answer alone and null reasoning", async () => {
    const messages = [{ role: "user" as const, content: "hello" }];
    const response = await client.chat.completions.create({
      model: MODEL,
      messages,
      temperature: 0,
      chat_template_kwargs: { enable_thinking: false },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const message = response.choices[0]!.message as unknown as ReasoningMessage;
    expect(message.content).toBe(SCRIPTED_ANSWER);
    expect(message.reasoning_content).toBeNull();
    expect(message.reasoning).toBeNull();
    const expectedPrompt = await promptTokens(messages, { enable_thinking: false });
    expect(response.usage?.prompt_tokens).toBe(expectedPrompt);
    expect(response.usage?.completion_tokens).toBe(SCRIPTED_THINK_OFF_COMPLETION_TOKENS);
  });

  it("should map reasoning_effort none to thinking off", async () => {
    const response = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hello" }],
      reasoning_effort: "none" as never,
    });
    const message = response.choices[0]!.message as unknown as ReasoningMessage;
    expect(message.content).toBe(SCRIPTED_ANSWER);
    expect(message.reasoning_content).toBeNull();
  });

  it("should drop the reasoning with include_reasoning false", async () => {
    const response = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hello" }],
      include_reasoning: false,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const message = response.choices[0]!.message as unknown as ReasoningMessage;
    expect(message.content).toBe(CONTENT_AFTER_THINK);
    expect(message.reasoning_content).toBeNull();
    expect(message.reasoning).toBeNull();
    expect(response.usage?.completion_tokens).toBe(SCRIPTED_THINK_ON_COMPLETION_TOKENS);
  });

  it("should stream a role chunk, reasoning deltas, content deltas, a finish chunk, a usage chunk and [DONE]", async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hello" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: "assistant", content: "" });
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta as unknown as ReasoningMessage));
    const reasoning = deltas.map((delta) => delta.reasoning_content ?? "").join("");
    const reasoningNew = deltas.map((delta) => delta.reasoning ?? "").join("");
    const content = deltas.map((delta) => delta.content ?? "").join("");
    expect(reasoning).toBe(REASONING);
    expect(reasoningNew).toBe(REASONING);
    expect(content).toBe(CONTENT_AFTER_THINK);
    // No delta carries a tag: the parser swallowed <think> and </think>.
    expect(deltas.some((delta) => `${delta.content ?? ""}${delta.reasoning_content ?? ""}`.includes("think>"))).toBe(false);
    const finish = chunks.filter((chunk) => chunk.choices[0]?.finish_reason != null);
    expect(finish.map((chunk) => chunk.choices[0]!.finish_reason)).toEqual(["stop"]);
    const usageChunk = chunks.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage?.completion_tokens).toBe(SCRIPTED_THINK_ON_COMPLETION_TOKENS);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it("should end the raw SSE stream with data: [DONE]", async () => {
    const response = await fetch(`${replica.baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "hi" }], stream: true }),
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await response.text();
    const events = text.split("\n\n").filter((event) => event !== "");
    expect(events.every((event) => event.startsWith("data: "))).toBe(true);
    expect(events.at(-1)).toBe("data: [DONE]");
  });

  it("should stream with thinking off: content deltas only", async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hello" }],
      stream: true,
      chat_template_kwargs: { enable_thinking: false },
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    let content = "";
    let reasoning = "";
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as unknown as ReasoningMessage | undefined;
      content += delta?.content ?? "";
      reasoning += delta?.reasoning_content ?? "";
    }
    expect(content).toBe(SCRIPTED_ANSWER);
    expect(reasoning).toBe("");
  });

  it("should stop at max_tokens with finish_reason length, counting exactly that many tokens", async () => {
    const response = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hello" }],
      max_tokens: 5,
    });
    const choice = response.choices[0]!;
    expect(choice.finish_reason).toBe("length");
    expect(response.usage?.completion_tokens).toBe(5);
    // <think>, "\nOkay", ",", " the", " user": truncated reasoning, no content.
    expect((choice.message as unknown as ReasoningMessage).reasoning_content).toBe("\nOkay, the user");
    expect(choice.message.content).toBeNull();
    const viaNewName = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hello" }],
      max_completion_tokens: 3,
    });
    expect(viaNewName.usage?.completion_tokens).toBe(3);
    expect(viaNewName.choices[0]!.finish_reason).toBe("length");
  });

  it("should cut at a stop sequence (not included) with finish_reason stop", async () => {
    const response = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hello" }],
      stop: [" How", "never-seen"],
      chat_template_kwargs: { enable_thinking: false },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(response.choices[0]!.message.content).toBe("Hello!");
    expect(response.choices[0]!.finish_reason).toBe("stop");
    expect(response.usage?.completion_tokens).toBe(3);
    const streamed = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hello" }],
      stop: "can I",
      stream: true,
      chat_template_kwargs: { enable_thinking: false },
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    let text = "";
    for await (const chunk of streamed) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("Hello! How ");
  });

  it("should serve /v1/completions from the raw prompt, streamed and not", async () => {
    const response = await client.completions.create({ model: MODEL, prompt: SCRIPTED_COMPLETION_PROMPT, temperature: 0 });
    expect(response.object).toBe("text_completion");
    expect(response.choices[0]!.text).toBe(SCRIPTED_ANSWER);
    expect(response.choices[0]!.finish_reason).toBe("stop");
    expect(response.usage?.completion_tokens).toBe(SCRIPTED_THINK_OFF_COMPLETION_TOKENS);
    const tokenized = await fetch(`${replica.baseUrl}/tokenize`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, prompt: SCRIPTED_COMPLETION_PROMPT }),
    });
    const { count, tokens } = (await tokenized.json()) as { count: number; tokens: number[] };
    expect(count).toBe(countScriptedTokens(SCRIPTED_COMPLETION_PROMPT));
    expect(response.usage?.prompt_tokens).toBe(count);
    const detokenized = await fetch(`${replica.baseUrl}/detokenize`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: MODEL, tokens }) });
    expect(((await detokenized.json()) as { prompt: string }).prompt).toBe(SCRIPTED_COMPLETION_PROMPT);

    const stream = await client.completions.create({
      model: MODEL,
      prompt: SCRIPTED_COMPLETION_PROMPT,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 4,
    });
    let text = "";
    const finishes: (string | null)[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? "";
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Hello! How can");
    expect(finishes).toEqual(["length"]);
    expect(usage?.completion_tokens).toBe(4);
  });

  it("should answer 16 concurrent requests (4 sequences, the rest queued) all correctly", async () => {
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, index) =>
        client.chat.completions.create({
          model: MODEL,
          messages: [{ role: "user", content: `request number ${index}` }],
          ...(index % 2 === 0 ? { chat_template_kwargs: { enable_thinking: false } } : {}),
        } as OpenAI.ChatCompletionCreateParamsNonStreaming),
      ),
    );
    for (const [index, result] of results.entries()) {
      const message = result.choices[0]!.message as unknown as ReasoningMessage;
      if (index % 2 === 0) {
        expect(message.content).toBe(SCRIPTED_ANSWER);
        expect(message.reasoning_content).toBeNull();
      } else {
        expect(message.content).toBe(CONTENT_AFTER_THINK);
        expect(message.reasoning_content).toBe(REASONING);
      }
    }
    const health = (await (await fetch(`${replica.baseUrl}/health`)).json()) as Record<string, number>;
    expect(health["ongoing_requests"]).toBe(0);
    expect(health["queued_requests"]).toBe(0);
  });

  it("should list the model on /v1/models and /v1/models/{id}", async () => {
    const list = await client.models.list();
    expect(list.data.map((model) => model.id)).toEqual([MODEL]);
    const model = await client.models.retrieve(MODEL);
    expect(model.id).toBe(MODEL);
    expect(model.object).toBe("model");
    await expect(client.models.retrieve("nope")).rejects.toMatchObject({ status: 404 });
  });

  describe("seed requests (Ray Serve LLM reasoning / hybrid-reasoning tutorials)", () => {
    it("should run the curl payload with /think: reasoning and answer apart", async () => {
      const response = await fetch(`${replica.baseUrl}/v1/chat/completions`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: "Bearer fake-key" },
        body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "What is greater between 7.8 and 7.11 ? /think" }] }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { choices: { message: ReasoningMessage }[] };
      expect(body.choices[0]!.message.reasoning_content).toBe(REASONING);
      expect(body.choices[0]!.message.content).toBe(CONTENT_AFTER_THINK);
    });

    it("should pass /no_think through to the model untouched (the template and model handle it)", async () => {
      const messages = [{ role: "user", content: "What is greater between 7.8 and 7.11 ? /no_think" }];
      const rendered = await fetch(`${replica.baseUrl}/tokenize`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: MODEL, messages }) });
      const { tokens } = (await rendered.json()) as { tokens: number[] };
      const text = await fetch(`${replica.baseUrl}/detokenize`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: MODEL, tokens }) });
      expect(((await text.json()) as { prompt: string }).prompt).toContain("7.11 ? /no_think<|im_end|>");
      const response = await client.chat.completions.create({ model: MODEL, messages: messages as OpenAI.ChatCompletionMessageParam[] });
      // The scripted model cannot read the switch, so it still thinks; a real Qwen3 would emit an empty think block.
      expect((response.choices[0]!.message as unknown as ReasoningMessage).reasoning_content).toBe(REASONING);
    });

    it("should run the Python example's extra_body chat_template_kwargs enable_thinking False", async () => {
      const response = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content: "What is greater between 7.8 and 7.11 ?" }],
        // @ts-expect-error extra_body is a Python-client idea; the JS client sends extra fields as they are
        chat_template_kwargs: { enable_thinking: false },
      });
      expect(response.choices[0]!.message.content).toBe(SCRIPTED_ANSWER);
      expect((response.choices[0]!.message as unknown as ReasoningMessage).reasoning_content).toBeNull();
    });

    it("should stream reasoning_content deltas then content deltas, as the streaming example prints them", async () => {
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content: "Pick a number between 1 and 10" }],
        stream: true,
      });
      const phases: string[] = [];
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta as unknown as ReasoningMessage | undefined;
        if (delta?.reasoning_content) phases.push("reasoning");
        else if (delta?.content) phases.push("content");
      }
      const firstContent = phases.indexOf("content");
      expect(phases.slice(0, firstContent).every((phase) => phase === "reasoning")).toBe(true);
      expect(phases.slice(firstContent).every((phase) => phase === "content")).toBe(true);
      expect(firstContent).toBeGreaterThan(0);
    });

    it("should accept reasoning sent back in an assistant message (multi-turn)", async () => {
      const response = await client.chat.completions.create({
        model: MODEL,
        messages: [
          { role: "user", content: "hello" },
          { role: "assistant", content: SCRIPTED_ANSWER, reasoning_content: SCRIPTED_REASONING } as OpenAI.ChatCompletionAssistantMessageParam,
          { role: "user", content: "hello again" },
        ],
      });
      expect((response.choices[0]!.message as unknown as ReasoningMessage).reasoning_content).toBe(REASONING);
    });
  });

  it("should keep the raw text when asked through /v1/completions (no reasoning split there)", async () => {
    const response = await client.completions.create({
      model: MODEL,
      prompt: "<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n",
      temperature: 0,
    });
    expect(response.choices[0]!.text).toBe(SCRIPTED_THINK_ON_TEXT);
  });
});
