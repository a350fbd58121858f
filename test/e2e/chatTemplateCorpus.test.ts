import type OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { goldenAt, loadChatTemplateCorpus } from "../helpers/chatTemplateCorpus.js";
import { createTempHome } from "../helpers/cli.js";
import { startServingReplica, type ReplicaProcess } from "../helpers/startReplica.js";
import { ensureChatTemplateModel } from "../models/ensureChatTemplateModel.js";

const corpus = loadChatTemplateCorpus();

async function post(replica: ReplicaProcess, path: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${replica.baseUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** The conversation's JSON text as a request for `model`, keeping its floats as written (`300.0`). */
function requestText(model: string, conversationJson: string): string {
  return `{"model": ${JSON.stringify(model)}, ${conversationJson.trim().slice(1)}`;
}

/** Starts at most `limit` at once: the replicas' starts overlap without loading every core at the same time. */
async function mapWithLimit<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await run(items[index]!);
      }
    }),
  );
  return results;
}

describe("real chat templates in generated GGUFs, through the replica's /tokenize", () => {
  const home = createTempHome();
  const replicas = new Map<string, { replica: ReplicaProcess; client: OpenAI }>();

  beforeAll(async () => {
    await mapWithLimit(corpus.templates, 4, async (template) => {
      const source = ensureChatTemplateModel({
        name: template.name,
        chatTemplate: template.template,
        specialTokens: template.specialTokens,
        bosToken: template.bosToken,
        eosToken: template.eosToken,
      });
      // Qwen3 as in Ray's tool-calling setup, for the agent-loop requests.
      const tools = template.name === "qwen3" ? { enable_auto_tool_choice: true, tool_call_parser: "hermes" } : {};
      replicas.set(template.name, await startServingReplica(home.path, { modelId: template.name, source, engineKwargs: { max_model_len: 4096, ...tools } }));
    });
  });
  afterAll(async () => {
    await Promise.all([...replicas.values()].map(({ replica }) => replica.kill()));
    home.remove();
  });

  it.each(corpus.templates.map((template) => [template.name] as const))("%s: every conversation renders byte-identical to transformers, with the same tokens", async (name) => {
    const { replica } = replicas.get(name)!;
    const mismatches: string[] = [];
    for (const conversation of corpus.conversations) {
      const golden = corpus.golden(name, conversation.name);
      const before = new Date();
      const rendered = await post(replica, "/tokenize", requestText(name, conversation.json));
      const after = new Date();
      if (golden.error !== undefined) {
        if (rendered.status !== 400) mismatches.push(`${conversation.name}: transformers refuses (${golden.error}), got ${rendered.status}`);
        continue;
      }
      if (rendered.status !== 200) {
        mismatches.push(`${conversation.name}: ${rendered.status} ${JSON.stringify(rendered.json)}`);
        continue;
      }
      const tokens = rendered.json["tokens"] as number[];
      const text = (await post(replica, "/detokenize", JSON.stringify({ model: name, tokens }))).json["prompt"];
      // Templates that read the clock (strftime_now) render today's date where the golden has its fixed one.
      const expected = [goldenAt(golden.prompt!, before), goldenAt(golden.prompt!, after)].find((candidate) => candidate === text) ?? goldenAt(golden.prompt!, after);
      if (text !== expected) {
        mismatches.push(`${conversation.name}: rendered ${JSON.stringify(text)}\n  expected ${JSON.stringify(expected)}`);
        continue;
      }
      const direct = await post(replica, "/tokenize", JSON.stringify({ model: name, prompt: expected }));
      if (JSON.stringify(direct.json["tokens"]) !== JSON.stringify(tokens)) mismatches.push(`${conversation.name}: tokens differ from the golden prompt's`);
    }
    expect(mismatches).toEqual([]);
  });

  it("should answer an agent loop's next turn with Qwen3's template (assistant content null or '' with tool_calls, then the tool result)", async () => {
    const { client } = replicas.get("qwen3")!;
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      { type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
    ];
    for (const content of [null, ""]) {
      const response = await client.chat.completions.create({
        model: "qwen3",
        max_tokens: 4,
        tools,
        messages: [
          { role: "user", content: "Weather in Paris?" },
          { role: "assistant", content, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city": "Paris", "max_temp": 30.0}' } }] },
          { role: "tool", tool_call_id: "call_1", content: "sunny" },
        ],
      });
      expect(response.choices[0]!.finish_reason).toMatch(/^(length|stop|tool_calls)$/);
      expect(response.usage!.prompt_tokens).toBeGreaterThan(20);
    }
  });
});
