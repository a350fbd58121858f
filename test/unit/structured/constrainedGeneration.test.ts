import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LlamaModel } from "node-llama-cpp";
import { generateText } from "../../../src/replica/engine/generateText.js";
import { createConstrainedSampling } from "../../../src/replica/structured/createConstrainedSampling.js";
import { reasoningMarkersFor } from "../../../src/replica/structured/reasoningMarkersFor.js";
import { resolveStructuredOutput } from "../../../src/replica/structured/resolveStructuredOutput.js";
import { resolveToolCalling } from "../../../src/replica/tools/resolveToolCalling.js";
import { ensureRandomTinyModel } from "../../models/ensureRandomTinyModel.js";
import { ensureScriptedReasoningModel } from "../../models/ensureScriptedReasoningModel.js";
import { qwen3ChatTemplate } from "../../models/qwen3ChatTemplate.js";
import { SCRIPTED_ANSWER, SCRIPTED_REASONING } from "../../models/scriptedReasoningScript.js";
import { renderChatTemplate } from "../../helpers/renderChatTemplate.js";
import { generateForTest } from "./generateForTest.js";
import { cpuLlama } from "./grammarTestHelpers.js";
import { PERSON_SCHEMA } from "./pydanticSchemas.js";

const messages = [{ role: "user", content: "Describe a person as JSON." }];

describe("grammar-constrained generation (real llama.cpp, CPU)", () => {
  let random: LlamaModel;
  let scripted: LlamaModel;
  beforeAll(async () => {
    const llama = await cpuLlama();
    random = await llama.loadModel({ modelPath: ensureRandomTinyModel() });
    scripted = await llama.loadModel({ modelPath: ensureScriptedReasoningModel() });
  });
  afterAll(async () => {
    await random?.dispose();
    await scripted?.dispose();
  });

  it("should make a random-weight model's output valid for a pydantic json_schema by the grammar alone", async () => {
    const plan = resolveStructuredOutput({ response_format: { type: "json_schema", json_schema: { name: "Person", schema: PERSON_SCHEMA, strict: true } } })!;
    const prompt = renderChatTemplate(qwen3ChatTemplate, { messages, enable_thinking: false });
    for (const seed of [1, 2, 3]) {
      const constrained = await createConstrainedSampling({ llama: await cpuLlama(), model: random, grammar: plan.grammar, reasoning: undefined });
      const result = await generateForTest(random, prompt, { sampling: { temperature: 1, topK: 0, topP: 1, seed }, constrained, maxTokens: 400 });
      expect(result.finish).toBe("stop"); // the grammar completed and only end-of-generation was allowed
      expect(plan.validate!(result.text), result.text).toMatchObject({ ok: true });
    }
    // the same model and seed without the grammar produce no JSON at all: the grammar is what makes it valid
    const free = await generateForTest(random, prompt, { sampling: { temperature: 1, topK: 0, topP: 1, seed: 1 }, maxTokens: 40 });
    expect(plan.validate!(free.text).ok).toBe(false);
  });

  it("should keep invalid UTF-8 out of constrained JSON strings for a byte-level vocabulary (the replica's own loop)", async () => {
    // The random model picks raw byte tokens freely. Before the fix, 16 of 30 seeds put stray bytes into the strings
    // (a 0xF5-0xFF lead byte the grammar counted as one character), and seed 6 an overlong F0 83 9F 9B.
    const plan = resolveStructuredOutput({ response_format: { type: "json_schema", json_schema: { name: "Person", schema: PERSON_SCHEMA, strict: true } } })!;
    const prompt = random.tokenize(renderChatTemplate(qwen3ChatTemplate, { messages, enable_thinking: false }), true);
    const context = await random.createContext({ contextSize: 1024, threads: 1, sequences: 1 });
    try {
      for (let seed = 1; seed <= 40; seed++) {
        const constrained = await createConstrainedSampling({ llama: await cpuLlama(), model: random, grammar: plan.grammar, reasoning: undefined });
        const sequence = context.getSequence();
        const result = await generateText({
          sequence, model: random, promptTokens: prompt, maxTokens: 400, sampling: { temperature: 1, seed }, defaultSeed: undefined,
          stop: [], signal: new AbortController().signal, grammarEvaluationState: constrained.grammarEvaluationState,
          bannedAfter: constrained.bannedAfter, onPiece: constrained.onText,
        });
        sequence.dispose();
        expect([seed, result.text.includes("\uFFFD")], result.text).toEqual([seed, false]);
        expect([seed, result.finishReason, plan.validate!(result.text)], result.text).toMatchObject([seed, "stop", { ok: true }]);
      }
    } finally {
      await context.dispose();
    }
  });

  it("should leave the reasoning unconstrained and constrain only the content after </think>", async () => {
    const plan = resolveStructuredOutput({ guided_json: { type: "object", properties: { answer: { type: "string", maxLength: 12 } }, required: ["answer"] } })!;
    const constrained = await createConstrainedSampling({ llama: await cpuLlama(), model: scripted, grammar: plan.grammar, reasoning: reasoningMarkersFor("qwen3") });
    const prompt = renderChatTemplate(qwen3ChatTemplate, { messages: [{ role: "user", content: "hello" }] });
    const result = await generateForTest(scripted, prompt, { sampling: { temperature: 0 }, constrained, maxTokens: 120 });
    const [reasoning, content] = result.text.split("</think>") as [string, string];
    expect(reasoning).toBe(`<think>\n${SCRIPTED_REASONING}\n`); // exactly the model's own script
    expect(content).not.toContain(SCRIPTED_ANSWER); // the free answer was replaced by the constrained one
    expect(result.finish).toBe("stop");
    expect(plan.validate!(content)).toMatchObject({ ok: true });
  });

  it("should force hermes tool calls on a random model with tool_choice required", async () => {
    const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string", maxLength: 10 }, days: { type: "integer", minimum: 1, maximum: 7 } }, required: ["city", "days"] } } }];
    const plan = resolveToolCalling({ tools, tool_choice: "required", parallel_tool_calls: false }, { enableAutoToolChoice: false, toolCallParser: "hermes" });
    const prompt = renderChatTemplate(qwen3ChatTemplate, { messages, tools, enable_thinking: false });
    const constrained = await createConstrainedSampling({ llama: await cpuLlama(), model: random, grammar: plan.grammar!, reasoning: undefined });
    const result = await generateForTest(random, prompt, { sampling: { temperature: 1, topK: 0, topP: 1, seed: 5 }, constrained, maxTokens: 200 });
    expect(result.finish).toBe("stop");
    const extracted = plan.parser!.extract(result.text);
    expect(extracted.toolCalls).toHaveLength(1);
    expect(extracted.toolCalls[0]?.function.name).toBe("get_weather");
    const args = JSON.parse(extracted.toolCalls[0]!.function.arguments) as { city: string; days: number };
    expect(typeof args.city).toBe("string");
    expect(args.days).toBeGreaterThanOrEqual(1);
    expect(args.days).toBeLessThanOrEqual(7);
  });
});
