import { describe, expect, it } from "vitest";
import { compileGrammar, grammarTextFor } from "../../../src/replica/structured/compileGrammar.js";
import { resolveStructuredOutput } from "../../../src/replica/structured/resolveStructuredOutput.js";
import { StructuredOutputError } from "../../../src/replica/structured/StructuredOutputError.js";
import { cpuLlama, grammarAccepts } from "./grammarTestHelpers.js";
import { PERSON_SCHEMA } from "./pydanticSchemas.js";

describe("resolveStructuredOutput", () => {
  it("should return undefined for free text", () => {
    expect(resolveStructuredOutput({})).toBeUndefined();
    expect(resolveStructuredOutput({ response_format: { type: "text" } })).toBeUndefined();
    expect(resolveStructuredOutput({ response_format: null, guided_json: null })).toBeUndefined();
  });

  it("should read response_format json_schema as the OpenAI SDK sends it (name, schema, strict)", async () => {
    const plan = resolveStructuredOutput({ response_format: { type: "json_schema", json_schema: { name: "person", schema: PERSON_SCHEMA, strict: true } } });
    expect(plan?.param).toBe("response_format.json_schema.schema");
    expect(plan?.grammar.kind).toBe("json_schema");
    expect(plan?.validate?.('{"name": "x"}').ok).toBe(false);
    const grammar = await compileGrammar(await cpuLlama(), plan!.grammar);
    const person = '{"name": "Ada", "age": 3, "role": "user", "address": {"city": "Rome", "zip": null}, "nickname": null, "active": false}';
    expect(grammarAccepts(grammar, person)).toBe(true);
    expect(grammarAccepts(grammar, `\n\n${person}`)).toBe(true); // the "\n\n" a Qwen model writes after </think>
    expect(grammarAccepts(grammar, `${person}\n\n\n\n`)).toBe(false); // no trailing newlines: EOS right after the JSON
    expect(plan?.validate?.(`\n\n${person}`)).toMatchObject({ ok: true });
  });

  it("should read json_object as any JSON object", async () => {
    const plan = resolveStructuredOutput({ response_format: { type: "json_object" } });
    const grammar = await compileGrammar(await cpuLlama(), plan!.grammar);
    expect(grammarAccepts(grammar, '{"anything": [1, {"b": null}]}')).toBe(true);
    expect(grammarAccepts(grammar, '"just a string"')).toBe(false);
    expect(plan?.validate?.("[1]").ok).toBe(false);
  });

  it("should read vLLM's guided_* fields and the structured_outputs form", async () => {
    const llama = await cpuLlama();
    const json = resolveStructuredOutput({ guided_json: JSON.stringify({ type: "object", properties: { a: { type: "integer" } } }) });
    expect(grammarAccepts(await compileGrammar(llama, json!.grammar), '{"a": 12}')).toBe(true);
    const regex = resolveStructuredOutput({ guided_regex: "[0-9]{2}" });
    expect(grammarAccepts(await compileGrammar(llama, regex!.grammar), "42")).toBe(true);
    const choice = resolveStructuredOutput({ structured_outputs: { choice: ["up", "down"] } });
    expect(choice?.param).toBe("structured_outputs.choice");
    expect(grammarAccepts(await compileGrammar(llama, choice!.grammar), "down")).toBe(true);
    const grammar = resolveStructuredOutput({ guided_grammar: 'root ::= "a" root | "b"', guided_decoding_backend: "xgrammar" });
    expect(grammarAccepts(await compileGrammar(llama, grammar!.grammar), "aab")).toBe(true);
  });

  it("should refuse two constraints at once, malformed values and a broken grammar with 400s", async () => {
    expect(() => resolveStructuredOutput({ response_format: { type: "json_object" }, guided_regex: "a" })).toThrow(/Only one output constraint.*response_format and guided_regex/);
    expect(() => resolveStructuredOutput({ response_format: { type: "xml" } })).toThrow(StructuredOutputError);
    expect(() => resolveStructuredOutput({ response_format: { type: "json_schema" } })).toThrow(/json_schema must be an object/);
    expect(() => resolveStructuredOutput({ guided_json: "{not json" })).toThrow(/guided_json must be a JSON Schema/);
    expect(() => resolveStructuredOutput({ guided_regex: "" })).toThrow(/non-empty string/);
    const plan = resolveStructuredOutput({ guided_grammar: "root ::= missing" });
    await expect(compileGrammar(await cpuLlama(), plan!.grammar, { param: plan!.param })).rejects.toThrow(/guided_grammar is not a valid GBNF grammar/);
  });

  it("should add the reasoning-opening alternative when asked", async () => {
    const llama = await cpuLlama();
    const source = resolveStructuredOutput({ guided_choice: ["yes", "no"] })!.grammar;
    const text = await grammarTextFor(llama, source, { reasoningStartMarkers: ["[THINK]"] });
    expect(text).toContain('llmserve-root ::= "[THINK]" [\\x01-\\ud7ff\\ue000-\\U0010ffff]* | (root)');
    const grammar = await compileGrammar(llama, source, { reasoningStartMarkers: ["[THINK]"] });
    expect(grammarAccepts(grammar, "yes")).toBe(true);
    expect(grammarAccepts(grammar, "[THINK]free text[/THINK]whatever")).toBe(true);
    expect(grammarAccepts(grammar, "[THINK]été 漢字 😀[/THINK]")).toBe(true);
    expect(grammarAccepts(grammar, "maybe")).toBe(false);
  });
});
