import { describe, expect, it } from "vitest";
import { compileGrammar } from "../../../src/replica/structured/compileGrammar.js";
import { resolveToolCalling } from "../../../src/replica/tools/resolveToolCalling.js";
import { ToolRequestError } from "../../../src/replica/tools/ToolRequestError.js";
import { cpuLlama, grammarAccepts } from "../structured/grammarTestHelpers.js";
import { thrownError } from "../../helpers/thrownError.js";

const WEATHER = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather",
    parameters: { type: "object", properties: { city: { type: "string" }, unit: { anyOf: [{ enum: ["C", "F"] }, { type: "null" }] } }, required: ["city", "unit"], additionalProperties: false },
  },
};
const TIME = { type: "function", function: { name: "get_time", parameters: { type: "object", properties: {} } } };
const HERMES = { enableAutoToolChoice: true, toolCallParser: "hermes" };

const errorOf = (run: () => unknown): ToolRequestError => thrownError(run, ToolRequestError);

describe("resolveToolCalling", () => {
  it("should default to auto with tools and parse with the configured parser", () => {
    const plan = resolveToolCalling({ tools: [WEATHER] }, HERMES);
    expect(plan.choice).toBe("auto");
    expect(plan.templateTools).toEqual([WEATHER]);
    expect(plan.parser?.name).toBe("hermes");
    expect(plan.grammar).toBeUndefined();
  });

  it("should answer auto without enable_auto_tool_choice with vLLM's 400", () => {
    for (const settings of [{ enableAutoToolChoice: false, toolCallParser: "hermes" }, { enableAutoToolChoice: true, toolCallParser: undefined }]) {
      const error = errorOf(() => resolveToolCalling({ tools: [WEATHER] }, settings));
      expect(error.status).toBe(400);
      expect(error.param).toBe("tool_choice");
      expect(error.message).toMatch(/"auto" tool choice requires engine_kwargs.enable_auto_tool_choice/);
    }
  });

  it("should neither render nor parse tools with tool_choice none", () => {
    expect(resolveToolCalling({ tools: [WEATHER], tool_choice: "none" }, { enableAutoToolChoice: false, toolCallParser: undefined }))
      .toEqual({ choice: "none", templateTools: undefined, parser: undefined, grammar: undefined });
    expect(resolveToolCalling({}, HERMES).choice).toBe("none");
  });

  it("should force hermes calls for required (one or more) and for a named function (exactly it)", async () => {
    const llama = await cpuLlama();
    const required = resolveToolCalling({ tools: [WEATHER, TIME], tool_choice: "required" }, { enableAutoToolChoice: false, toolCallParser: "hermes" });
    const requiredGrammar = await compileGrammar(llama, required.grammar!);
    const weatherCall = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "unit": null}}\n</tool_call>';
    const timeCall = '<tool_call>\n{"name": "get_time", "arguments": {}}\n</tool_call>';
    expect(grammarAccepts(requiredGrammar, weatherCall)).toBe(true);
    expect(grammarAccepts(requiredGrammar, `${weatherCall}\n${timeCall}`)).toBe(true);
    expect(grammarAccepts(requiredGrammar, "Sure!")).toBe(false);
    expect(grammarAccepts(requiredGrammar, weatherCall.replace('"unit": null', '"unit": "K"'))).toBe(false);
    expect(required.parser?.extract(`${weatherCall}\n${timeCall}`).toolCalls.map((call) => call.function.name)).toEqual(["get_weather", "get_time"]);

    const named = resolveToolCalling({ tools: [WEATHER, TIME], tool_choice: { type: "function", function: { name: "get_time" } } }, HERMES);
    const namedGrammar = await compileGrammar(llama, named.grammar!);
    expect(grammarAccepts(namedGrammar, timeCall)).toBe(true);
    expect(grammarAccepts(namedGrammar, weatherCall)).toBe(false);
    expect(grammarAccepts(namedGrammar, `${timeCall}\n${timeCall}`)).toBe(false);
  });

  it("should allow one call only with parallel_tool_calls false", async () => {
    const plan = resolveToolCalling({ tools: [TIME], tool_choice: "required", parallel_tool_calls: false }, HERMES);
    const grammar = await compileGrammar(await cpuLlama(), plan.grammar!);
    const call = '<tool_call>\n{"name": "get_time", "arguments": {}}\n</tool_call>';
    expect(grammarAccepts(grammar, call)).toBe(true);
    expect(grammarAccepts(grammar, `${call}\n${call}`)).toBe(false);
  });

  it("should force vLLM's plain JSON without a native format, and read it back", async () => {
    const llama = await cpuLlama();
    const named = resolveToolCalling({ tools: [WEATHER], tool_choice: { type: "function", function: { name: "get_weather" } } }, { enableAutoToolChoice: false, toolCallParser: undefined });
    expect(grammarAccepts(await compileGrammar(llama, named.grammar!), '{"city": "Oslo", "unit": "C"}')).toBe(true);
    const extracted = named.parser!.extract('{"city": "Oslo", "unit": "C"}');
    expect(extracted.toolCalls.map((call) => [call.function.name, call.function.arguments])).toEqual([["get_weather", '{"city": "Oslo", "unit": "C"}']]);
    const required = resolveToolCalling({ tools: [WEATHER, TIME], tool_choice: "required" }, { enableAutoToolChoice: true, toolCallParser: "pythonic" });
    const output = '[{"name": "get_time", "parameters": {}}]';
    expect(grammarAccepts(await compileGrammar(llama, required.grammar!), output)).toBe(true);
    expect(required.parser!.extract(output).toolCalls[0]?.function.name).toBe("get_time");
  });

  it("should force mistral and llama3_json in their own syntax", async () => {
    const llama = await cpuLlama();
    const mistral = resolveToolCalling({ tools: [TIME], tool_choice: "required" }, { enableAutoToolChoice: false, toolCallParser: "mistral" });
    const mistralOut = '[TOOL_CALLS][{"name": "get_time", "arguments": {}}]';
    expect(grammarAccepts(await compileGrammar(llama, mistral.grammar!), mistralOut)).toBe(true);
    expect(mistral.parser!.extract(mistralOut).toolCalls).toHaveLength(1);
    const llama3 = resolveToolCalling({ tools: [TIME], tool_choice: "required" }, { enableAutoToolChoice: false, toolCallParser: "llama3_json" });
    const llama3Out = '{"name": "get_time", "parameters": {}}';
    expect(grammarAccepts(await compileGrammar(llama, llama3.grammar!), llama3Out)).toBe(true);
    expect(llama3.parser!.extract(llama3Out).toolCalls).toHaveLength(1);
  });

  it("should refuse malformed tools and impossible choices with a 400 naming the field", () => {
    expect(errorOf(() => resolveToolCalling({ tools: [{ type: "function", function: { name: "bad name!" } }] }, HERMES)).param).toBe("tools[0].function.name");
    expect(errorOf(() => resolveToolCalling({ tools: [{ type: "code_interpreter" }] }, HERMES)).param).toBe("tools[0]");
    expect(errorOf(() => resolveToolCalling({ tools: [WEATHER, WEATHER] }, HERMES)).message).toMatch(/given twice/);
    expect(errorOf(() => resolveToolCalling({ tools: "x" }, HERMES)).param).toBe("tools");
    expect(errorOf(() => resolveToolCalling({ tool_choice: "required" }, HERMES)).message).toMatch(/needs a non-empty "tools"/);
    expect(errorOf(() => resolveToolCalling({ tools: [WEATHER], tool_choice: { type: "function", function: { name: "nope" } } }, HERMES)).param).toBe("tool_choice.function.name");
    expect(errorOf(() => resolveToolCalling({ tools: [WEATHER], tool_choice: "sometimes" }, HERMES)).param).toBe("tool_choice");
  });
});
