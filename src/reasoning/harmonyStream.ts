import { findFirst } from "./findFirst.js";
import { partialSuffixLength } from "./partialSuffixLength.js";
import type { ReasoningSplit, ReasoningStream } from "./ReasoningParser.js";

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

/**
 * The incremental harmony reader behind `openai_gptoss`. A header is held until its `<|message|>` decides where
 * the message goes; bodies stream as they come, holding back only what may be the start of a special token.
 * Consecutive messages of one channel are joined with `"\n"` (vLLM joins them so). The split does not depend on
 * where the deltas are cut, and `extract` is this stream run over the whole text.
 */
export function startHarmonyStream(options: HarmonyStreamOptions): ReasoningStream {
  let mode: "header" | "body" | "between" = options.initial === "header" ? "header" : "body";
  let route: Route = options.initial === "reasoning" ? "reasoning" : "content";
  /** Only the output's first header may turn out not to be one (a model or template that skipped it). */
  let headerUnconfirmed = options.initial === "header";
  let held = "";
  let bodyHasText = false;
  const channelHasText = { reasoning: false, content: false };

  const emitBody = (out: Out, text: string): void => {
    if (text === "" || route === "dropped") return;
    if (route === "toolCall") {
      if (options.keepToolCalls) out.content += text;
      return;
    }
    if (!bodyHasText && channelHasText[route]) out[route] += "\n";
    out[route] += text;
    bodyHasText = true;
    channelHasText[route] = true;
  };

  const closeBody = (out: Out): void => {
    if (route === "toolCall" && options.keepToolCalls) out.content += "<|call|>";
    mode = "between";
  };

  const run = (final: boolean): ReasoningSplit => {
    const out: Out = { reasoning: "", content: "" };
    for (;;) {
      if (mode === "header") {
        if (headerUnconfirmed && !couldBeHeader(held)) {
          // Not harmony at all (or a template that already opened the message): an answer without a header.
          headerUnconfirmed = false;
          mode = "body";
          route = "content";
          bodyHasText = false;
          continue;
        }
        const found = findFirst(held, [MESSAGE, START, ...STOPS]);
        if (found === undefined) {
          if (final) held = "";
          break;
        }
        headerUnconfirmed = false;
        const headerText = held.slice(0, found.index);
        held = held.slice(found.index + found.needle.length);
        if (found.needle === START) continue;
        if (found.needle !== MESSAGE) {
          mode = "between";
          continue;
        }
        const header = parseHarmonyHeader(headerText);
        route = routeOf(header);
        mode = "body";
        bodyHasText = false;
        if (route === "toolCall" && options.keepToolCalls) out.content += toolCallHeader(header);
        continue;
      }
      if (mode === "body") {
        const found = findFirst(held, BODY_ENDS);
        if (found === undefined) {
          const keep = final ? 0 : partialSuffixLength(held, BODY_ENDS);
          emitBody(out, held.slice(0, held.length - keep));
          held = held.slice(held.length - keep);
          if (final) closeBody(out);
          break;
        }
        emitBody(out, held.slice(0, found.index));
        closeBody(out);
        // `<|channel|>` starts the next header itself; `<|start|>` is consumed by the header reader.
        held = held.slice(found.needle === CHANNEL ? found.index : found.index + found.needle.length);
        if (found.needle === START || found.needle === CHANNEL) mode = "header";
        continue;
      }
      // Between messages: a new header, or stray text (kept as an answer of its own).
      const found = findFirst(held, [START, CHANNEL]);
      if (found?.index === 0) {
        held = held.slice(found.needle === START ? START.length : 0);
        mode = "header";
        continue;
      }
      if (held === "") break;
      if (!final && partialSuffixLength(held, [START, CHANNEL]) === held.length) break;
      mode = "body";
      route = "content";
      bodyHasText = false;
    }
    return { reasoning: out.reasoning || null, content: out.content || null };
  };

  return {
    push(delta) {
      held += delta;
      return run(false);
    },
    end() {
      return run(true);
    },
  };
}

interface Out {
  reasoning: string;
  content: string;
}
