import type { ReasoningProgress, ReasoningStream } from "./ReasoningParser.js";

/**
 * Counts generated tokens that went to the reasoning, by the same parser stream that splits the text: a token
 * counts when any of its characters is reasoning text, so tags (`<think>`, `</think>`) and the answer never count
 * and the count agrees with the split whether the response is streamed or not.
 */
export interface ReasoningTokenCounter {
  /** The text of the next generated token; `tokens` > 1 when several tokens decode only together (split UTF-8). */
  push(text: string, tokens?: number): void;
  /** No more tokens: text held back as a possible tag is decided. */
  end(): void;
  /** Tokens decided to be reasoning so far. */
  reasoningTokens(): number;
  /** Decided reasoning tokens plus every token whose text the parser still holds back (an upper bound). */
  reasoningTokensAtMost(): number;
  /** Whether the next token starts out inside the thought. */
  inReasoning(): boolean;
}

interface Entry {
  readonly start: number;
  readonly end: number;
  readonly weight: number;
  marked: boolean;
}

/** A counter over `stream` (a fresh stream of the request's parser, fed nothing else). */
export function createReasoningTokenCounter(stream: ReasoningStream): ReasoningTokenCounter {
  const entries: Entry[] = [];
  let length = 0;
  let counted = 0;
  /** First entry that may still overlap a reasoning range to come. */
  let cursor = 0;
  let resolved = 0;
  let inReasoning = stream.progress?.().inReasoning ?? false;

  const mark = (entry: Entry): void => {
    if (entry.marked) return;
    entry.marked = true;
    counted += entry.weight;
  };
  const apply = (progress: ReasoningProgress): void => {
    for (const [from, to] of progress.reasoningRanges) {
      while (cursor < entries.length && entries[cursor]!.end <= from && entries[cursor]!.end > entries[cursor]!.start) cursor++;
      for (let index = cursor; index < entries.length && entries[index]!.start < to; index++) {
        const entry = entries[index]!;
        const inside = entry.start === entry.end ? entry.start >= from : entry.end > from;
        if (inside) mark(entry);
      }
    }
    resolved = progress.resolved;
    inReasoning = progress.inReasoning;
  };
  const feed = (split: { reasoning: string | null; content: string | null }): void => {
    if (stream.progress !== undefined) {
      apply(stream.progress());
      return;
    }
    // Without progress reports: the newest token takes what this push decided.
    const last = entries[entries.length - 1];
    if (split.reasoning !== null && split.reasoning !== "" && last !== undefined) mark(last);
    if (split.reasoning !== null && split.reasoning !== "") inReasoning = true;
    else if (split.content !== null && split.content !== "") inReasoning = false;
    resolved = length;
  };

  return {
    push(text, tokens = 1) {
      entries.push({ start: length, end: length + text.length, weight: tokens, marked: false });
      length += text.length;
      feed(stream.push(text));
    },
    end() {
      feed(stream.end());
      resolved = length;
    },
    reasoningTokens: () => counted,
    reasoningTokensAtMost() {
      let pending = 0;
      for (let index = entries.length - 1; index >= 0; index--) {
        const entry = entries[index]!;
        if (entry.end <= resolved && entry.end > entry.start) break;
        if (!entry.marked) pending += entry.weight;
      }
      return counted + pending;
    },
    inReasoning: () => inReasoning,
  };
}
