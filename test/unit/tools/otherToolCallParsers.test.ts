import { describe, expect, it } from "vitest";
import { createToolCallParser } from "../../../src/tools/createToolCallParser.js";
import { split, streamAndCollect, withoutIds } from "./streamHelpers.js";

function expectStreamsLikeExtract(name: string, text: string): void {
  const parser = createToolCallParser(name);
  for (const size of [1, 3, 1000]) expect(withoutIds(streamAndCollect(parser, split(text, size)))).toEqual(withoutIds(parser.extract(text)));
}

describe("mistral tool-call parser", () => {
  const parser = createToolCallParser("mistral");

  it("should parse the JSON-array form with 9-character ids", () => {
    const text = 'Sure. [TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}}, {"name": "now", "arguments": {}}]';
    const result = parser.extract(text);
    expect(withoutIds(result)).toEqual({ content: "Sure.", calls: [["get_weather", '{"city": "Paris"}'], ["now", "{}"]] });
    for (const call of result.toolCalls) expect(call.id).toMatch(/^[A-Za-z0-9]{9}$/);
    expectStreamsLikeExtract("mistral", text);
  });

  it("should parse the v11 name[ARGS]{...} form, repeated", () => {
    const text = '[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}[TOOL_CALLS]now[ARGS]{}';
    expect(withoutIds(parser.extract(text)).calls).toEqual([["get_weather", '{"city": "Paris"}'], ["now", "{}"]]);
    expectStreamsLikeExtract("mistral", text);
  });

  it("should keep malformed calls as content", () => {
    const text = "[TOOL_CALLS][{\"name\": \"f\", ";
    expect(parser.extract(text)).toEqual({ content: text, toolCalls: [] });
  });
});

describe("llama3_json tool-call parser", () => {
  const parser = createToolCallParser("llama3_json");

  it("should parse objects with parameters, with or without <|python_tag|>, separated by ;", () => {
    const text = '<|python_tag|>{"name": "get_weather", "parameters": {"city": "Paris"}}; {"name": "now", "parameters": {}}';
    expect(withoutIds(parser.extract(text))).toEqual({ content: null, calls: [["get_weather", '{"city": "Paris"}'], ["now", "{}"]] });
    expectStreamsLikeExtract("llama3_json", text);
    expectStreamsLikeExtract("llama3_json", ' {"name": "f", "arguments": {"a": [1, "}"]}}');
  });

  it("should pass plain text through and keep bad JSON as content", () => {
    expect(parser.extract("Hello {world}")).toEqual({ content: "Hello {world}", toolCalls: [] });
    expect(parser.extract('{"name": "f", "parameters": ')).toEqual({ content: '{"name": "f", "parameters": ', toolCalls: [] });
    expectStreamsLikeExtract("llama3_json", "Hello {world}");
  });
});

describe("pythonic tool-call parser", () => {
  const parser = createToolCallParser("pythonic");

  it("should parse a list of calls with literal keyword arguments", () => {
    const text = "[get_weather(city='Paris', days=3, metric=True, extra=None, tags=['a', \"b\"], opts={'x': 1.5}), now()]";
    expect(withoutIds(parser.extract(text))).toEqual({
      content: null,
      calls: [["get_weather", '{"city": "Paris", "days": 3, "metric": true, "extra": null, "tags": ["a", "b"], "opts": {"x": 1.5}}'], ["now", "{}"]],
    });
    expectStreamsLikeExtract("pythonic", text);
  });

  it("should keep non-literal arguments and plain text as content", () => {
    expect(parser.extract("[f(x=y)]")).toEqual({ content: "[f(x=y)]", toolCalls: [] });
    expect(parser.extract("The answer is 4.")).toEqual({ content: "The answer is 4.", toolCalls: [] });
  });
});

describe("deepseek_v3 tool-call parser", () => {
  const parser = createToolCallParser("deepseek_v3");

  it("should parse the V3 fenced form and drop the calls-begin/end wrappers", () => {
    const text = "Checking.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>";
    expect(withoutIds(parser.extract(text))).toEqual({ content: "Checking.", calls: [["get_weather", '{"city": "Paris"}']] });
    expectStreamsLikeExtract("deepseek_v3", text);
  });

  it("should parse the V3.1 form", () => {
    const text = "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\": \"Paris\"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>";
    expect(withoutIds(parser.extract(text))).toEqual({ content: null, calls: [["get_weather", '{"city": "Paris"}']] });
  });
});
