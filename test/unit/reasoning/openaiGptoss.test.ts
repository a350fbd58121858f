import { describe, expect, it } from "vitest";
import { createReasoningParser, type ReasoningParserOptions } from "../../../src/index.js";
import { seededRandom } from "../../models/seededRandom.js";
import { describeSplitCases, sameText, streamDeltas, type SplitCaseTable } from "./splitHarness.js";

// The openai_gptoss cases of vLLM's tests/reasoning/test_gptoss_reasoning_parser.py (commit 0985a564f488), re-expressed
// as splits: vLLM checks `is_reasoning_end` on them and takes the split from harmony's parser
// (`parse_chat_output` in vllm/entrypoints/openai/chat_completion/harmony.py, commit 8fada2f4c431): `analysis` is
// reasoning, `final` and recipient-less `commentary` are content, calls to functions are neither, messages of one
// channel are joined with "\n", empty parts are null.
const USER_MESSAGE_START = "<|start|>user<|message|>";
const REASONING_SECTION_START = "<|end|><|start|>assistant<|channel|>analysis<|message|>";
const END = "<|end|>";
const ASSISTANT_START = "<|start|>assistant";
const ASSISTANT_CONTENT_START_PREFIX = END + ASSISTANT_START + "<|channel|>final";
const ASSISTANT_CONTENT_START_SUFFIX = "<|message|>";
const ASSISTANT_CONTENT_START = ASSISTANT_CONTENT_START_PREFIX + ASSISTANT_CONTENT_START_SUFFIX;

const HARMONY_TOKENS = [
  "<|start|>", "<|end|>", "<|message|>", "<|channel|>", "<|constrain|>", "<|return|>", "<|call|>",
];

const TOOL_CALL = '<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city": "Paris"}<|call|>';

const CASES: SplitCaseTable = {
  openai_gptoss: {
    tags: HARMONY_TOKENS,
    cases: [
      {
        name: "vLLM BASIC_CONTENT",
        output: REASONING_SECTION_START + "This is reasoning" + ASSISTANT_CONTENT_START + "This is the rest",
        reasoning: "This is reasoning",
        content: "This is the rest",
      },
      {
        name: "vLLM BASIC_REASONING_ONLY",
        output: REASONING_SECTION_START + "This is reasoning" + "<|end|>",
        reasoning: "This is reasoning",
        content: null,
      },
      {
        name: "vLLM BASIC_NO_REASONING_NO_ASSISTANT: a user message is not the answer",
        output: USER_MESSAGE_START + "This is a user message",
        reasoning: null,
        content: null,
      },
      {
        name: "vLLM COMPLEX_CONTENT_INCOMPLETE_PREFIX_ONLY: an unfinished header gives nothing",
        output: REASONING_SECTION_START + "This is reasoning" + ASSISTANT_CONTENT_START_PREFIX,
        reasoning: "This is reasoning",
        content: null,
      },
      {
        name: "vLLM COMPLEX_CONTENT_1_NO_SUFFIX",
        output: REASONING_SECTION_START + "This is reasoning" + ASSISTANT_CONTENT_START_PREFIX + "<|constrain|> JSON ",
        reasoning: "This is reasoning",
        content: null,
      },
      {
        name: "vLLM COMPLEX_CONTENT_1: final channel opened, empty",
        output:
          REASONING_SECTION_START + "This is reasoning" + ASSISTANT_CONTENT_START_PREFIX + "<|constrain|> JSON " +
          ASSISTANT_CONTENT_START_SUFFIX,
        reasoning: "This is reasoning",
        content: null,
      },
      {
        name: "vLLM COMPLEX_CONTENT_1_WITH_CONTENT",
        output:
          REASONING_SECTION_START + "This is reasoning" + ASSISTANT_CONTENT_START_PREFIX + "<|constrain|> JSON " +
          ASSISTANT_CONTENT_START_SUFFIX + "This is the rest",
        reasoning: "This is reasoning",
        content: "This is the rest",
      },
      {
        name: "vLLM COMPLEX_CONTENT_2",
        output:
          REASONING_SECTION_START + "This is reasoning" + ASSISTANT_CONTENT_START_PREFIX + "<|constrain|>ReplyAction " +
          ASSISTANT_CONTENT_START_SUFFIX + "This is the rest",
        reasoning: "This is reasoning",
        content: "This is the rest",
      },
      {
        name: "vLLM MULTI_TURN_CONTENT: only the assistant's channels count",
        output:
          USER_MESSAGE_START + "1st turn user message" + REASONING_SECTION_START + "1st turn reasoning" +
          ASSISTANT_CONTENT_START + "1st turn response" + END + USER_MESSAGE_START + "2nd turn user message" + END +
          ASSISTANT_START,
        reasoning: "1st turn reasoning",
        content: "1st turn response",
      },
      {
        name: "what gpt-oss generates after <|start|>assistant",
        output: "<|channel|>analysis<|message|>User says hi.<|end|><|start|>assistant<|channel|>final<|message|>Hello!",
        reasoning: "User says hi.",
        content: "Hello!",
      },
      {
        name: "text without <|end|> (older llama.cpp hid it): <|start|> ends the thought",
        output: "<|channel|>analysis<|message|>User says hi.<|start|>assistant<|channel|>final<|message|>Hello!",
        reasoning: "User says hi.",
        content: "Hello!",
      },
      {
        name: "a bare <|channel|> also ends a message",
        output: "<|channel|>analysis<|message|>think<|channel|>final<|message|>answer",
        reasoning: "think",
        content: "answer",
      },
      {
        name: "the answer ended by <|return|>",
        output: "<|channel|>analysis<|message|>r<|end|><|start|>assistant<|channel|>final<|message|>a<|return|>",
        reasoning: "r",
        content: "a",
      },
      {
        name: "messages of one channel are joined with a newline",
        output:
          "<|channel|>analysis<|message|>one<|end|><|start|>assistant<|channel|>analysis<|message|>two<|end|>" +
          "<|start|>assistant<|channel|>final<|message|>answer",
        reasoning: "one\ntwo",
        content: "answer",
      },
      {
        name: "a preamble (commentary without recipient) is content",
        output:
          "<|channel|>analysis<|message|>r<|end|><|start|>assistant<|channel|>commentary<|message|>Let me check.<|end|>" +
          "<|start|>assistant<|channel|>final<|message|>Done.",
        reasoning: "r",
        content: "Let me check.\nDone.",
      },
      {
        name: "a tool call is neither reasoning nor content",
        output: "<|channel|>analysis<|message|>Need weather.<|end|><|start|>assistant" + TOOL_CALL,
        reasoning: "Need weather.",
        content: null,
      },
      {
        name: "a tool call with the recipient before the channel",
        output:
          '<|channel|>analysis<|message|>r<|end|><|start|>assistant to=functions.f<|channel|>commentary json<|message|>{"a": 1}',
        reasoning: "r",
        content: null,
      },
      {
        name: "a built-in tool call in the analysis channel stays reasoning",
        output: "<|channel|>analysis to=browser.search <|constrain|>json<|message|>{\"q\": \"x\"}<|call|>",
        reasoning: '{"q": "x"}',
        content: null,
      },
      {
        name: "output without harmony headers is content",
        output: "Plain answer.",
        reasoning: null,
        content: "Plain answer.",
      },
      { name: "empty output", output: "", reasoning: null, content: null },
      {
        name: "special-looking text that is not a token stays text",
        output: "<|channel|>final<|message|>use <|x|> and <| here",
        reasoning: null,
        content: "use <|x|> and <| here",
      },
    ],
  },
  "openai_gptoss (a tool-call parser reads the content)": {
    tags: HARMONY_TOKENS,
    options: { keepToolCallText: true },
    cases: [
      {
        name: "the call goes to the content in gpt-oss's own form, never to the reasoning",
        output: "<|channel|>analysis<|message|>Need weather.<|end|><|start|>assistant" + TOOL_CALL,
        reasoning: "Need weather.",
        content: TOOL_CALL,
      },
      {
        name: "recipient before the channel, call token hidden: the same form, closed by <|call|>",
        output: '<|channel|>analysis<|message|>r<|start|>assistant to=functions.f<|channel|>commentary json<|message|>{"a": 1}',
        reasoning: "r",
        content: '<|channel|>commentary to=functions.f <|constrain|>json<|message|>{"a": 1}<|call|>',
      },
      {
        name: "a preamble then a call",
        output:
          "<|channel|>commentary<|message|>Checking.<|end|><|start|>assistant" + TOOL_CALL,
        reasoning: null,
        content: "Checking." + TOOL_CALL,
      },
    ],
  },
  "openai_gptoss (prompt opened the analysis message)": {
    tags: HARMONY_TOKENS,
    options: { promptEndsInsideThinking: true },
    cases: [
      {
        name: "reasoning from the first token",
        output: "thinking<|end|><|start|>assistant<|channel|>final<|message|>answer",
        reasoning: "thinking",
        content: "answer",
      },
    ],
  },
  "openai_gptoss (prompt opened the final message)": {
    tags: HARMONY_TOKENS,
    options: { promptEndsAfterThinking: true },
    cases: [{ name: "all content", output: "just the answer", reasoning: null, content: "just the answer" }],
  },
};

/** A harmony output built from random messages (channels, recipients, hidden or shown end tokens, plain text). */
function randomHarmony(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const bodies = ["Hi.", "two words", "é🙂", "<|x|>", "a<b", "", "\n", " {\"k\": 1} "];
  const headers = [
    "<|channel|>analysis", "<|channel|>final", "<|channel|>commentary", "<|channel|>commentary to=functions.f json",
    " to=functions.g<|channel|>commentary <|constrain|>json", "<|channel|>analysis to=python", "<|channel|>final<|constrain|> JSON ",
  ];
  let text = "";
  const count = 1 + Math.floor(random() * 4);
  for (let index = 0; index < count; index++) {
    if (index > 0) text += pick(["<|end|><|start|>assistant", "<|start|>assistant", "<|end|><|start|>user", "<|call|>", ""]);
    text += `${pick(headers)}<|message|>${pick(bodies)}${pick(bodies)}`;
  }
  return text + pick(["", "<|end|>", "<|return|>", "<|sta", "<|channel|>fin"]);
}

function randomDeltas(text: string, random: () => number): string[] {
  const deltas: string[] = [];
  for (let index = 0; index < text.length; ) {
    const size = 1 + Math.floor(random() * 9);
    deltas.push(text.slice(index, index + size));
    index += size;
  }
  return deltas;
}

describe("openai_gptoss reasoning parser", () => {
  describeSplitCases(CASES);

  const variants: ReasoningParserOptions[] = [{}, { keepToolCallText: true }, { promptEndsInsideThinking: true }];
  for (const options of variants) {
    it(`should stream to exactly the non-streamed split at every split point and any chunking ${JSON.stringify(options)}`, () => {
      const parser = createReasoningParser("openai_gptoss", options);
      const random = seededRandom(0x6a7);
      for (let sample = 0; sample < 80; sample++) {
        const text = randomHarmony(random);
        const expected = sameText(parser.extract(text));
        const context = JSON.stringify(text);
        for (let cut = 0; cut <= text.length; cut++) {
          expect(sameText(streamDeltas(parser, [text.slice(0, cut), text.slice(cut)])), context).toEqual(expected);
        }
        for (let round = 0; round < 5; round++) {
          expect(sameText(streamDeltas(parser, randomDeltas(text, random))), context).toEqual(expected);
        }
      }
    });
  }

  it("should hold a header back until <|message|> and stream a body as it comes", () => {
    const stream = createReasoningParser("openai_gptoss").stream();
    expect(stream.push("<|channel|>analy")).toEqual({ reasoning: null, content: null });
    expect(stream.push("sis<|message|>Think")).toEqual({ reasoning: "Think", content: null });
    expect(stream.push("ing<|e")).toEqual({ reasoning: "ing", content: null });
    expect(stream.push("nd|><|start|>assistant<|channel|>final<|message|>Hi")).toEqual({ reasoning: null, content: "Hi" });
    expect(stream.end()).toEqual({ reasoning: null, content: null });
  });

  it("should never put a tool call's arguments in the reasoning, whether or not they are kept", () => {
    for (const keepToolCallText of [false, true]) {
      const split = createReasoningParser("openai_gptoss", { keepToolCallText }).extract(
        "<|channel|>analysis<|message|>plan<|end|><|start|>assistant" + TOOL_CALL,
      );
      expect(split.reasoning).toBe("plan");
    }
  });
});
