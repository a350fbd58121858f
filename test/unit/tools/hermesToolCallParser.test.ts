import { describe, expect, it } from "vitest";
import { createToolCallParser, toolCallParserNames } from "../../../src/tools/createToolCallParser.js";
import { UnknownToolCallParserError } from "../../../src/tools/UnknownToolCallParserError.js";
import { split, streamAndCollect, withoutIds } from "./streamHelpers.js";

const parser = createToolCallParser("hermes");
const WEATHER = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>';

describe("hermes tool-call parser", () => {
  it("should extract one call with a generated call_ id and the arguments as a JSON string", () => {
    const result = parser.extract(WEATHER);
    expect(result.content).toBeNull();
    expect(result.toolCalls).toHaveLength(1);
    const call = result.toolCalls[0];
    expect(call?.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(call?.type).toBe("function");
    expect(call?.function.name).toBe("get_weather");
    expect(JSON.parse(call?.function.arguments ?? "")).toEqual({ city: "Paris" });
  });

  it("should extract several calls with distinct ids and keep the text before them as content", () => {
    const text = `Let me check both.\n\n${WEATHER}\n<tool_call>{"name": "get_time", "arguments": {"tz": "CET"}}</tool_call>`;
    const result = parser.extract(text);
    expect(result.content).toBe("Let me check both.");
    expect(result.toolCalls.map((call) => call.function.name)).toEqual(["get_weather", "get_time"]);
    expect(new Set(result.toolCalls.map((call) => call.id)).size).toBe(2);
  });

  it("should return text without a tool call unchanged", () => {
    expect(parser.extract("The weather is nice.\n")).toEqual({ content: "The weather is nice.\n", toolCalls: [] });
    expect(parser.extract("I use <tool_ a lot")).toEqual({ content: "I use <tool_ a lot", toolCalls: [] });
  });

  it("should return a call with bad JSON as content, never throw", () => {
    const bad = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Par\n</tool_call>';
    expect(parser.extract(bad)).toEqual({ content: bad, toolCalls: [] });
    const noName = '<tool_call>{"arguments": {}}</tool_call>';
    expect(parser.extract(noName)).toEqual({ content: noName, toolCalls: [] });
    const mixed = `${WEATHER}<tool_call>{oops}</tool_call>`;
    const result = parser.extract(mixed);
    expect(result.toolCalls).toHaveLength(1);
    expect(result.content).toBe("<tool_call>{oops}</tool_call>");
  });

  it("should accept an unclosed last call when its JSON is complete (model stopped at the end tag)", () => {
    const result = parser.extract('<tool_call>\n{"name": "f", "arguments": {}}\n');
    expect(withoutIds(result)).toEqual({ content: null, calls: [["f", "{}"]] });
    expect(parser.extract("<tool_call>\n{\"name\": \"f\"")).toEqual({ content: "<tool_call>\n{\"name\": \"f\"", toolCalls: [] });
  });

  it.each([1, 2, 3, 7, 1000])("should stream in pieces of %i characters with the same result as extract", (size) => {
    const text = `Checking.\n${WEATHER}\n${WEATHER.replace("Paris", "Lyon")}`;
    const streamed = streamAndCollect(parser, split(text, size));
    expect(withoutIds(streamed)).toEqual(withoutIds(parser.extract(text)));
    expect(streamed.toolCalls).toHaveLength(2);
  });

  it("should hold back a partial start tag and release it when it turns out to be text", () => {
    const stream = parser.stream();
    expect(stream.push("a <tool")).toEqual({ content: "a", toolCalls: [] });
    expect(stream.push("kit>")).toEqual({ content: " <toolkit>", toolCalls: [] });
    expect(stream.end()).toEqual({ content: null, toolCalls: [] });
  });

  it("should emit a call as OpenAI streams it: header (index, id, type, name, arguments \"\") then arguments", () => {
    const stream = parser.stream();
    const pieces = split(WEATHER, 5).map((piece) => stream.push(piece));
    const chunks = [...pieces, stream.end()].flatMap((delta) => delta.toolCalls);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatchObject({ index: 0, type: "function", function: { name: "get_weather", arguments: "" } });
    expect(chunks[0]?.id).toMatch(/^call_/);
    expect(chunks[1]).toEqual({ index: 0, function: { arguments: '{"city": "Paris"}' } });
    expect(stream.toolCallCount).toBe(1);
  });

  it("should stream malformed calls back as content exactly like extract", () => {
    const text = 'ok <tool_call>{"name": }</tool_call> done';
    expect(withoutIds(streamAndCollect(parser, split(text, 1)))).toEqual(withoutIds(parser.extract(text)));
    expect(parser.extract(text).content).toBe('ok <tool_call>{"name": }</tool_call> done');
  });

  it("should list the known parsers and refuse an unknown name", () => {
    expect(toolCallParserNames).toEqual(expect.arrayContaining(["hermes", "mistral", "llama3_json", "pythonic", "deepseek_v3"]));
    expect(() => createToolCallParser("nope")).toThrow(UnknownToolCallParserError);
    expect(() => createToolCallParser("nope")).toThrow(/hermes/);
  });
});
