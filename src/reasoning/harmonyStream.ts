import { findFirst } from "../text/findFirst.js";
import { partialSuffixLength } from "../text/partialSuffixLength.js";
import type { ReasoningProgress, ReasoningSplit, ReasoningStream } from "./ReasoningParser.js";

const START = "<|start|>";
const CHANNEL = "<|channel|>";
const MESSAGE = "<|message|>";
/** End one message. `<|return|>` and `<|call|>` are end-of-generation tokens, so they rarely reach the text. */
const STOPS = ["<|end|>", "<|return|>", "<|call|>"] as const;
/**
 * Also end a message body: detokenized without special tokens, `<|end|>` may be missing from the text (llama.cpp
 * builds before it made gpt-oss's `<|end|>` user-defined hid it), and models sometimes skip it, so the next
 * message's `<|start|>` (or a bare `<|channel|>`) also says that a message is over.
 */
const BODY_ENDS = [...STOPS, START, CHANNEL] as const;
/** What a header may begin with; output that starts otherwise is a headerless answer. */
const HEADER_OPENERS = [START, CHANNEL, "<|constrain|>", "assistant", " to=", "to="];

/** Where one harmony message's text goes. */
type Route = "reasoning" | "content" | "toolCall" | "dropped";

export interface HarmonyStreamOptions {
  /** Where the output begins: a message header (after `<|start|>assistant`), or inside an opened message. */
  initial: "header" | "reasoning" | "content";
  /**
   * Send calls to functions (`to=functions.NAME` messages) to the content, as
   * `<|channel|>commentary to=functions.NAME <|constrain|>TYPE<|message|>ARGS<|call|>`, for the `openai` tool-call
   * parser; otherwise they are dropped, as vLLM's `parse_chat_output` drops them from the text.
   */
  keepToolCalls: boolean;
}

interface Header {
  role: string | undefined;
  channel: string | undefined;
  recipient: string | undefined;
  contentType: string | undefined;
}

/** Reads `assistant to=functions.f<|channel|>commentary <|constrain|>json` (any order, parts optional). */
export function parseHarmonyHeader(text: string): Header {
  const channel = /<\|channel\|>\s*([^\s<]+)/.exec(text)?.[1];
  const recipient = /(?:^|\s|>)to=([^\s<]+)/.exec(text)?.[1];
  const contentType = /<\|constrain\|>\s*([^\s<]+)/.exec(text)?.[1];
  const role = /^\s*([A-Za-z_][\w-]*)/.exec(text)?.[1];
  return { role: role === "to" ? undefined : role, channel, recipient, contentType };
}

/**
 * vLLM's split of harmony messages: `analysis` is reasoning (built-in tool calls in it too); `final` and recipient-less
 * `commentary` (preambles) are content; calls to `functions.*` are tool calls; messages of other roles (a model
 * writing a user turn) and calls to built-in tools outside `analysis` are not part of the answer.
 */
function routeOf(header: Header): Route {
  if (header.role !== undefined && header.role !== "assistant") return "dropped";
  if (header.recipient?.startsWith("functions.")) return "toolCall";
  if (header.channel === "analysis") return "reasoning";
  if (header.recipient !== undefined) return "dropped";
  return "content";
}

function toolCallHeader(header: Header): string {
  return `${CHANNEL}commentary to=${header.recipient ?? ""} <|constrain|>${header.contentType ?? "json"}${MESSAGE}`;
}

/** Whether held header text can still be (or already is) the start of a header. */
function couldBeHeader(text: string): boolean {
  return HEADER_OPENERS.some((opener) => text.startsWith(opener) || opener.startsWith(text));
}

interface Out {
  reasoning: string;
  content: string;
}

/** The reader's state between deltas. */
interface HarmonyState {
  mode: "header" | "body" | "between";
  route: Route;
  /** Only the output's first header may turn out not to be one (a model or template that skipped it). */
  headerUnconfirmed: boolean;
  /** Text received but not decided yet: always the end of all text pushed so far. */
  held: string;
  /** Characters pushed so far. */
  pushed: number;
  /** `[start, end)` offsets of pushed text that went to the reasoning, since `progress` last took them. */
  reasoningRanges: [number, number][];
  bodyHasText: boolean;
  channelHasText: { reasoning: boolean; content: boolean };
}

/** What one step did: went on to another mode (`"next"`), or needs more text (`"wait"`). */
type Step = "next" | "wait";

function openBody(state: HarmonyState, route: Route): void {
  state.mode = "body";
  state.route = route;
  state.bodyHasText = false;
}

/** Emits the first `length` characters of the held text as the current message's body. */
function emitBody(state: HarmonyState, out: Out, length: number, keepToolCalls: boolean): void {
  const { route } = state;
  const text = state.held.slice(0, length);
  if (text === "" || route === "dropped") return;
  if (route === "toolCall") {
    if (keepToolCalls) out.content += text;
    return;
  }
  if (!state.bodyHasText && state.channelHasText[route]) out[route] += "\n";
  out[route] += text;
  if (route === "reasoning") {
    const start = state.pushed - state.held.length;
    state.reasoningRanges.push([start, start + length]);
  }
  state.bodyHasText = true;
  state.channelHasText[route] = true;
}

function closeBody(state: HarmonyState, out: Out, keepToolCalls: boolean): void {
  if (state.route === "toolCall" && keepToolCalls) out.content += "<|call|>";
  state.mode = "between";
}

/** Header text is held until `<|message|>`, which decides the message's route. */
function readHeader(state: HarmonyState, out: Out, final: boolean, keepToolCalls: boolean): Step {
  if (state.headerUnconfirmed && !couldBeHeader(state.held)) {
    // Not harmony at all (or a template that already opened the message): an answer without a header.
    state.headerUnconfirmed = false;
    openBody(state, "content");
    return "next";
  }
  const found = findFirst(state.held, [MESSAGE, START, ...STOPS]);
  if (found === undefined) {
    if (final) state.held = "";
    return "wait";
  }
  state.headerUnconfirmed = false;
  const headerText = state.held.slice(0, found.index);
  state.held = state.held.slice(found.index + found.needle.length);
  if (found.needle === START) return "next";
  if (found.needle !== MESSAGE) {
    state.mode = "between";
    return "next";
  }
  const header = parseHarmonyHeader(headerText);
  openBody(state, routeOf(header));
  if (state.route === "toolCall" && keepToolCalls) out.content += toolCallHeader(header);
  return "next";
}

/** A body streams out, holding back only what may be the start of a token that ends it. */
function readBody(state: HarmonyState, out: Out, final: boolean, keepToolCalls: boolean): Step {
  const found = findFirst(state.held, BODY_ENDS);
  if (found === undefined) {
    const keep = final ? 0 : partialSuffixLength(state.held, BODY_ENDS);
    emitBody(state, out, state.held.length - keep, keepToolCalls);
    state.held = state.held.slice(state.held.length - keep);
    if (final) closeBody(state, out, keepToolCalls);
    return "wait";
  }
  emitBody(state, out, found.index, keepToolCalls);
  closeBody(state, out, keepToolCalls);
  // `<|channel|>` starts the next header itself; `<|start|>` is consumed by the header reader.
  state.held = state.held.slice(found.needle === CHANNEL ? found.index : found.index + found.needle.length);
  if (found.needle === START || found.needle === CHANNEL) state.mode = "header";
  return "next";
}

/** Between messages: a new header, or stray text (kept as an answer of its own). */
function readBetween(state: HarmonyState, final: boolean): Step {
  const found = findFirst(state.held, [START, CHANNEL]);
  if (found?.index === 0) {
    state.held = state.held.slice(found.needle === START ? START.length : 0);
    state.mode = "header";
    return "next";
  }
  if (state.held === "") return "wait";
  if (!final && partialSuffixLength(state.held, [START, CHANNEL]) === state.held.length) return "wait";
  openBody(state, "content");
  return "next";
}

/**
 * The incremental harmony reader behind `openai_gptoss`. A header is held until its `<|message|>` decides where
 * the message goes; bodies stream as they come, holding back only what may be the start of a special token.
 * Consecutive messages of one channel are joined with `"\n"` (vLLM joins them so). The split does not depend on
 * where the deltas are cut, and `extract` is this stream run over the whole text.
 */
export function startHarmonyStream(options: HarmonyStreamOptions): ReasoningStream {
  const state: HarmonyState = {
    mode: options.initial === "header" ? "header" : "body",
    route: options.initial === "reasoning" ? "reasoning" : "content",
    headerUnconfirmed: options.initial === "header",
    held: "",
    pushed: 0,
    reasoningRanges: [],
    bodyHasText: false,
    channelHasText: { reasoning: false, content: false },
  };
  const run = (final: boolean): ReasoningSplit => {
    const out: Out = { reasoning: "", content: "" };
    for (;;) {
      const step =
        state.mode === "header" ? readHeader(state, out, final, options.keepToolCalls)
        : state.mode === "body" ? readBody(state, out, final, options.keepToolCalls)
        : readBetween(state, final);
      if (step === "wait") break;
    }
    return { reasoning: out.reasoning || null, content: out.content || null };
  };
  return {
    push(delta) {
      state.held += delta;
      state.pushed += delta.length;
      return run(false);
    },
    end() {
      return run(true);
    },
    progress(): ReasoningProgress {
      const reasoningRanges = state.reasoningRanges;
      state.reasoningRanges = [];
      return {
        resolved: state.pushed - state.held.length,
        reasoningRanges,
        inReasoning: state.mode === "body" && state.route === "reasoning",
      };
    },
  };
}
