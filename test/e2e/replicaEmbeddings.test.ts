import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempHome } from "../helpers/cli.js";
import { startServingReplica, type ReplicaProcess } from "../helpers/startReplica.js";
import { ensureRandomTinyModel } from "../models/ensureRandomTinyModel.js";

const MODEL = "tiny-embed";

describe("llmserve replica: /v1/embeddings (issue 7)", () => {
  const home = createTempHome();
  let replica: ReplicaProcess;
  let client: OpenAI;

  beforeAll(async () => {
    ({ replica, client } = await startServingReplica(home.path, {
      modelId: MODEL,
      source: ensureRandomTinyModel(),
      engineKwargs: { task: "embed", max_num_seqs: 2 },
    }));
  });
  afterAll(async () => {
    await replica?.kill();
    home.remove();
  });

  it("should embed a list of inputs into normalised vectors in order, with usage, deterministically", async () => {
    const input = ["The weather in Paris", "is sunny", "The weather in Paris"];
    const first = await client.embeddings.create({ model: MODEL, input, encoding_format: "float" });
    const second = await client.embeddings.create({ model: MODEL, input: input[1]!, encoding_format: "float" });
    expect(first.object).toBe("list");
    expect(first.model).toBe(MODEL);
    expect(first.data.map((item) => [item.object, item.index, item.embedding.length])).toEqual([["embedding", 0, 64], ["embedding", 1, 64], ["embedding", 2, 64]]);
    for (const item of first.data) expect(Math.hypot(...item.embedding)).toBeCloseTo(1, 5);
    expect(first.data[0]!.embedding).toEqual(first.data[2]!.embedding);
    second.data[0]!.embedding.forEach((value, index) => expect(value).toBeCloseTo(first.data[1]!.embedding[index]!, 5));
    expect(first.usage.prompt_tokens).toBeGreaterThan(first.data.length);
    expect(first.usage.total_tokens).toBe(first.usage.prompt_tokens);
  });

  it("should send base64 (the openai client's default) that decodes to the same floats", async () => {
    const [viaBase64, viaFloat] = await Promise.all([
      client.embeddings.create({ model: MODEL, input: "hello" }),
      client.embeddings.create({ model: MODEL, input: "hello", encoding_format: "float" }),
    ]);
    viaBase64.data[0]!.embedding.forEach((value, index) => expect(value).toBeCloseTo(viaFloat.data[0]!.embedding[index]!, 6));
  });

  it("should refuse dimensions on a model not configured as Matryoshka, and empty input, with 400s", async () => {
    const dims = await client.embeddings.create({ model: MODEL, input: "x", dimensions: 8 }).catch((error: unknown) => error);
    expect(dims).toBeInstanceOf(OpenAI.BadRequestError);
    expect((dims as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("dimensions");
    const empty = await client.embeddings.create({ model: MODEL, input: [] }).catch((error: unknown) => error);
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
  });
});
