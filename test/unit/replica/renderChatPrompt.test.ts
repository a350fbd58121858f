import { describe, expect, it } from "vitest";
import { parseChatRequest } from "../../../src/replica/http/parseChatRequest.js";
import { compileChatTemplate } from "../../../src/replica/prompt/compileChatTemplate.js";
import { parseJsonKeepingFloats } from "../../../src/replica/prompt/parseJsonKeepingFloats.js";
import { ChatTemplateError, renderChatPrompt } from "../../../src/replica/prompt/renderChatPrompt.js";
import { GOLDEN_NOW, loadChatTemplateCorpus } from "../../helpers/chatTemplateCorpus.js";

const corpus = loadChatTemplateCorpus();

function render(template: string, json: string, tokens = { bosToken: "<s>", eosToken: "</s>" }): string {
  const request = parseChatRequest({ model: "m", ...(parseJsonKeepingFloats(json) as Record<string, unknown>) });
  return renderChatPrompt({
    template: compileChatTemplate(template),
    messages: request.messages,
    tools: request.tools,
    addGenerationPrompt: request.addGenerationPrompt,
    chatTemplateKwargs: request.chatTemplateKwargs,
    ...tokens,
    now: () => GOLDEN_NOW,
  });
}

describe("renderChatPrompt against transformers' rendering of real templates", () => {
  for (const template of corpus.templates) {
    it.each(corpus.conversations.map((conversation) => [conversation.name, conversation] as const))(`${template.name} x %s`, (_name, conversation) => {
      const golden = corpus.golden(template.name, conversation.name);
      const rendered = () => render(template.template, conversation.json, { bosToken: template.bosToken, eosToken: template.eosToken });
      if (golden.error !== undefined) expect(rendered).toThrow(ChatTemplateError);
      else expect(rendered()).toBe(golden.prompt);
    });
  }
});

describe("renderChatPrompt value semantics (Python's)", () => {
  const user = `"messages": [{"role": "user", "content": "hi"}]`;

  it("should keep floats written with a fraction as floats, in tools and in tool-call arguments", () => {
    const json = `{"tools": [{"type": "function", "function": {"name": "f", "parameters": {"minimum": 0.0, "maximum": 1e3, "n": 7}}}],
      "messages": [{"role": "assistant", "content": null, "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": "{\\"price\\": 300.0, \\"n\\": 3, \\"x\\": 2.5}"}}]}]}`;
    const template = "{{ tools[0] | tojson }}|{{ messages[0].tool_calls[0].function.arguments | tojson }}|{{ messages[0].tool_calls[0].function.arguments.price }}";
    expect(render(template, json)).toBe(
      `{"type": "function", "function": {"name": "f", "parameters": {"minimum": 0.0, "maximum": 1000.0, "n": 7}}}|{"price": 300.0, "n": 3, "x": 2.5}|300.0`,
    );
  });

  it("should give a concatenated mapping's JSON text as sent, while iteration still sees a mapping", () => {
    const json = `{"messages": [{"role": "assistant", "content": null, "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": "{\\"city\\":\\"Zürich\\"}"}}]}]}`;
    const template = "{% set a = messages[0].tool_calls[0].function.arguments %}{{ '```json\\n' + a }}|{% for k, v in a.items() %}{{ k }}={{ v }}{% endfor %}|{{ a is mapping }}";
    expect(render(template, json)).toBe('```json\n{"city":"Zürich"}|city=Zürich|True');
  });

  it("should give Python's text for | string and ~ on mappings, lists, booleans and none", () => {
    const template = "{{ {'a': 1, 'b': [true, none, 'x']} | string }}|{{ 'n=' ~ none ~ ' ' ~ {'k': 1.0} ~ not_defined }}|{{ [1, 'it\\'s'] }}|{{ ['a', 2.0] }}";
    expect(render(template, `{${user}}`)).toBe(`{'a': 1, 'b': [True, None, 'x']}|n=None {'k': 1.0}|[1, "it's"]|['a', 2.0]`);
  });

  it("should accept integer keys in dict literals and look them up", () => {
    const template = "{% set gears = {0: 0, 512: 128} %}{% for k, v in gears | dictsort %}{{ k + 1 }}:{{ v }} {% endfor %}{{ gears[512] }}";
    expect(render(template, `{${user}}`)).toBe("1:0 513:128 128");
  });

  it("should normalise messages as vLLM does: null content is empty, bad arguments are an empty mapping, tools none", () => {
    const json = `{"messages": [{"role": "assistant", "content": null, "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": "{oops"}}]}, {"role": "assistant", "content": "x", "tool_calls": []}]}`;
    const template = "{% for m in messages %}[{{ m.content | length }} {{ m.tool_calls is defined }}{% if m.tool_calls %} {{ m.tool_calls[0].function.arguments | tojson }}{% endif %}]{% endfor %}{{ tools is none }}";
    expect(render(template, json)).toBe("[0 True {}][1 False]True");
  });

  it("should report raise_exception as the template's refusal", () => {
    expect(() => render("{{ raise_exception('Conversation roles must alternate') }}", `{${user}}`)).toThrow(/rejected the request: Conversation roles must alternate/);
  });
});

describe("parseJsonKeepingFloats", () => {
  it("should read the same values as JSON.parse, leaving float-looking text inside strings alone", () => {
    const text = `{"a": [1.0, -2.50, 3e2, 4], "s": "1.0 \\" 2.0", "n": {"x": 0.0}}`;
    expect(parseJsonKeepingFloats(text)).toEqual(JSON.parse(text));
  });
});
