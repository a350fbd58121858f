import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureLoopModel } from "../models/ensureLoopModel.js";
import { createTempHome } from "../helpers/cli.js";
import { startServingReplica, type ReplicaProcess } from "../helpers/startReplica.js";
import { waitFor } from "../helpers/waitFor.js";

const MODEL = "loop";
// Large enough that a stream nobody reads cannot reach the end of its context while a test still needs it running
// (the loop model makes thousands of tokens a second, and loopback socket buffers hold megabytes of SSE).
const CONTEXT = 32768;

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** The loop model never stops by itself, so requests last as long as their max_tokens (or the context). */
describe("llmserve replica errors, limits and aborts (loop model, 2 sequences, queue of 1)", () => {
  const home = createTempHome();
  let replica: ReplicaProcess;
  let client: OpenAI;

  beforeAll(async () => {
    ({ replica, client } = await startServingReplica(home.path, {
      modelId: MODEL,
      source: ensureLoopModel(),
      engineKwargs: { max_model_len: CONTEXT, max_num_seqs: 2 },
      deploymentConfig: { max_queued_requests: 1 },
    }));
  });
  afterAll(async () => {
    await replica?.kill();
    home.remove();
  });

  async function post(path: string, body: string | object, headers: Record<string, string> = {}): Promise<{ status: number; body: ErrorBody }> {
    const response = await fetch(`${replica.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as ErrorBody };
  }

  async function health(): Promise<{ ongoing_requests: number; queued_requests: number }> {
    return (await (await fetch(`${replica.baseUrl}/health`)).json()) as { ongoing_requests: number; queued_requests: number };
  }

  function expectErrorShape(body: ErrorBody): void {
    expect(Object.keys(body)).toEqual(["error"]);
    expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
    expect(body.error.message.length).toBeGreaterThan(10);
  }

  it("should answer 400 invalid_json for a body that is not JSON", async () => {
    const { status, body } = await post("/v1/chat/completions", '{"model": "loop", "messages": [');
    expect(status).toBe(400);
    expectErrorShape(body);
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.code).toBe("invalid_json");
  });

  it("should answer 400 naming the field for bad fields, through the openai client", async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ temperature: 5 }, "temperature"],
      [{ top_p: 0 }, "top_p"],
      [{ n: 2 }, "n"],
      [{ max_tokens: 0 }, "max_tokens"],
      [{ stop: [1, 2] }, "stop"],
      [{ logit_bias: { abc: 1 } }, "logit_bias"],
      [{ messages: [] }, "messages"],
      [{ messages: [{ role: "wizard", content: "x" }] }, "messages[0].role"],
      [{ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }] }, "messages[0].content[0]"],
      [{ logprobs: "yes" }, "logprobs"],
      [{ logprobs: true }, "logprobs"],
      [{ top_logprobs: -1 }, "top_logprobs"],
      [{ top_logprobs: 2.5 }, "top_logprobs"],
      [{ parallel_tool_calls: "no" }, "parallel_tool_calls"],
      [{ store: 1 }, "store"],
      [{ metadata: "x" }, "metadata"],
      [{ prompt_logprobs: -2 }, "prompt_logprobs"],
    ];
    for (const [fields, param] of bad) {
      const request = { model: MODEL, messages: [{ role: "user", content: "hi" }], ...fields };
      const error = await client.chat.completions.create(request as never).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, param).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).param, JSON.stringify(fields)).toBe(param);
    }
  });

  it("should answer 400 for a completion's logprobs of the wrong type or out of range", async () => {
    for (const logprobs of ["yes", -1, 6, 1.5]) {
      const error = await client.completions.create({ model: MODEL, prompt: "z", max_tokens: 1, logprobs } as never).catch((caught: unknown) => caught);
      expect(error, String(logprobs)).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("logprobs");
    }
  });

  it("should answer 400 for a body that is not UTF-8 or not sent as JSON", async () => {
    const request = (body: Buffer | string, contentType: string): Promise<Response> =>
      fetch(`${replica.baseUrl}/v1/chat/completions`, { method: "POST", headers: { "content-type": contentType }, body });
    const json = JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "hi" }], max_tokens: 1 });
    const invalidUtf8 = Buffer.concat([Buffer.from(json.slice(0, -20)), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(json.slice(-20))]);
    const cases: [Buffer | string, string, string, RegExp][] = [
      [invalidUtf8, "application/json", "invalid_json", /not valid UTF-8/],
      [json, "text/plain", "invalid_content_type", /Content-Type: application\/json \(got "text\/plain"\)/],
      [json, "application/x-www-form-urlencoded", "invalid_content_type", /Content-Type: application\/json/],
      [json, "application/json; charset=latin1", "invalid_content_type", /charset "latin1"/],
    ];
    for (const [body, contentType, code, message] of cases) {
      const response = await request(body, contentType);
      expect(response.status, contentType).toBe(400);
      const error = (await response.json()) as ErrorBody;
      expectErrorShape(error);
      expect(error.error).toMatchObject({ type: "invalid_request_error", code });
      expect(error.error.message).toMatch(message);
    }
    for (const contentType of ["application/json; charset=UTF-8", "application/vnd.api+json"]) {
      expect((await request(json, contentType)).status, contentType).toBe(200);
    }
  });

  it("should refuse a prompt whose size alone cannot fit the context before tokenizing it, without holding up others", async () => {
    const huge = "hello world, this is a long prompt. ".repeat((15 * 1024 * 1024) / 36);
    const started = performance.now();
    const big = [0, 1].map(() =>
      post("/v1/chat/completions", { model: MODEL, messages: [{ role: "user", content: huge }] }),
    );
    big.push(post("/v1/completions", { model: MODEL, prompt: huge }));
    const small = client.completions.create({ model: MODEL, prompt: "z", max_tokens: 3 });
    expect((await small).choices[0]!.text).toBe("abc");
    for (const [index, answer] of (await Promise.all(big)).entries()) {
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: "context_length_exceeded", param: index < 2 ? "messages" : "prompt" });
      expect(answer.body.error.message).toMatch(new RegExp(`maximum context length is ${CONTEXT} tokens\\. However, your prompt is \\d+ bytes long, which is at least \\d+ tokens`));
    }
    // Tokenizing one of these prompts takes several seconds on this machine; refusing them takes a JSON parse each.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("should answer 404 model_not_found for an unknown model", async () => {
    const error = await client.chat.completions.create({ model: "gpt-4", messages: [{ role: "user", content: "hi" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found");
    const { status } = await post("/v1/nowhere", {});
    expect(status).toBe(404);
  });

  it("should answer 413 for a body over the limit", async () => {
    const huge = JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "x".repeat(17 * 1024 * 1024) }] });
    const { status, body } = await post("/v1/chat/completions", huge);
    expect(status).toBe(413);
    expectErrorShape(body);
    expect(body.error.code).toBe("request_too_large");
  });

  it("should answer 400 context_length_exceeded for a prompt longer than the context, never dropping messages", async () => {
    const long = "word ".repeat(CONTEXT);
    const error = await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: long }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("context_length_exceeded");
    expect((error as Error).message).toMatch(new RegExp(`maximum context length is ${CONTEXT} tokens`));
    const tooMuchCompletion = await client.completions
      .create({ model: MODEL, prompt: "hello", max_tokens: CONTEXT })
      .catch((caught: unknown) => caught);
    expect((tooMuchCompletion as InstanceType<typeof OpenAI.BadRequestError>).status).toBe(400);
  });

  it("should free the slot at once when a streaming client disconnects, and answer 503 when the queue is full", async () => {
    // Both sequences busy with long generations (up to the end of the context).
    const controllers = [new AbortController(), new AbortController()];
    const streams = await Promise.all(
      controllers.map((controller) =>
        client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "go" }], stream: true }, { signal: controller.signal }),
      ),
    );
    const iterators = streams.map((stream) => stream[Symbol.asyncIterator]());
    for (const iterator of iterators) await iterator.next();
    expect((await health()).ongoing_requests).toBe(2);

    // One waits in the queue (max_queued_requests 1); the next is refused with 503.
    const queuedController = new AbortController();
    const queued = client.completions.create({ model: MODEL, prompt: "z", max_tokens: 3 }, { signal: queuedController.signal });
    await waitFor("a queued request", async () => (await health()).queued_requests === 1, 10_000, 20);
    const refused = await client.completions.create({ model: MODEL, prompt: "y", max_tokens: 3 }).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((refused as InstanceType<typeof OpenAI.APIError>).code).toBe("queue_full");

    // Disconnect the first stream: its slot goes to the queued request, which finishes while the second still runs.
    controllers[0]!.abort();
    const result = await queued;
    expect(result.choices[0]!.text).toBe("abc");
    const state = await health();
    expect(state.ongoing_requests).toBe(1);

    // And once the second stream disconnects, everything is idle again.
    controllers[1]!.abort();
    await waitFor("no request in flight", async () => (await health()).ongoing_requests === 0, 10_000, 20);
    const after = await client.completions.create({ model: MODEL, prompt: "z", max_tokens: 5 });
    expect(after.choices[0]!.text).toBe("abcde");
    expect(after.usage?.completion_tokens).toBe(5);
  });

  it("should free the slot when a non-streaming client gives up", async () => {
    const controller = new AbortController();
    const request = client.chat.completions
      .create({ model: MODEL, messages: [{ role: "user", content: "go" }] }, { signal: controller.signal })
      .catch((caught: unknown) => caught);
    await waitFor("one request in flight", async () => (await health()).ongoing_requests === 1, 10_000, 20);
    controller.abort();
    expect(await request).toBeInstanceOf(Error);
    await waitFor("no request in flight", async () => (await health()).ongoing_requests === 0, 2_000, 20).catch(async (error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify(await health())}; ${replica.stderr.join("\n")}`);
    });
  });

  it("should make long generations stop exactly at max_tokens with finish_reason length", async () => {
    const response = await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "go" }], max_tokens: 30 });
    expect(response.choices[0]!.finish_reason).toBe("length");
    expect(response.choices[0]!.message.content).toBe("abcdefghijklmnopqrstuvwxyzabcd");
    expect(response.usage?.completion_tokens).toBe(30);
    // Without a reasoning parser there are no reasoning fields at all.
    expect(response.choices[0]!.message).not.toHaveProperty("reasoning_content");
  });

  it("should honour seed, temperature, logit_bias and sampling defaults without erroring", async () => {
    const tokenized = await fetch(`${replica.baseUrl}/tokenize`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: MODEL, prompt: "a" }) });
    const [letterA] = ((await tokenized.json()) as { tokens: number[] }).tokens;
    const biased = await client.completions.create({
      model: MODEL,
      prompt: "z",
      max_tokens: 3,
      temperature: 0,
      logit_bias: { [String(letterA)]: -100 },
    });
    expect(biased.choices[0]!.text.startsWith("a")).toBe(false);
    const seeded = await Promise.all(
      [1, 2].map(() => client.completions.create({ model: MODEL, prompt: "go", max_tokens: 8, temperature: 1.5, seed: 42 })),
    );
    expect(seeded[0]!.choices[0]!.text).toBe(seeded[1]!.choices[0]!.text);
  });
});
