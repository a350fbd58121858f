import { generateToolCallId } from "./generateToolCallId.js";
import type { ParsedToolCall, ToolCallChunk, ToolCallDelta, ToolCallStream } from "./ToolCallTypes.js";

/** A format where each call (or the block of calls) opens with a tag, like Hermes' `<tool_call>…</tool_call>`. */
export interface TaggedToolCallFormat {
  startTag: string;
  /** Closes one call; null when the calls run to the end of the output (Mistral's `[TOOL_CALLS]`). */
  endTag: string | null;
  /** Wrapper tags dropped from the content when they appear outside a call (DeepSeek's calls-begin/end). */
  ignoredTags?: readonly string[];
  /** Decodes the text between the tags; undefined (or []) when malformed, and the raw text then stays content. */
  parseBody(body: string): ParsedToolCall[] | undefined;
  /** Defaults to `generateToolCallId` (`call_…`). */
  generateId?: () => string;
}

/**
 * The incremental parser shared by tag-delimited formats. Text outside calls is emitted as soon as it cannot be the
 * start of a tag; each call is emitted whole once its end tag arrives, after its body has been decoded, so that a
 * malformed call can still be returned as content (as the non-streamed parse does) instead of as a broken call.
 * Whitespace that only separates content from calls is dropped; the non-streamed parse runs this same machine.
 */
export function createTaggedToolCallStream(format: TaggedToolCallFormat): ToolCallStream {
  const tags = [format.startTag, ...(format.ignoredTags ?? [])];
  const generateId = format.generateId ?? generateToolCallId;
  let buffer = "";
  let insideCall = false;
  let heldWhitespace = "";
  let whitespaceBeforeCall = "";
  let afterCall = false;
  let callCount = 0;

  function emitText(out: Out, text: string): void {
    if (text.length === 0) return;
    const trimmed = text.trimEnd();
    if (trimmed.length === 0) {
      if (!afterCall) heldWhitespace += text;
      return;
    }
    let body = trimmed;
    if (afterCall) {
      body = body.trimStart();
      afterCall = false;
    }
    out.content += heldWhitespace + body;
    heldWhitespace = text.slice(trimmed.length);
  }

  function finishCall(out: Out, body: string, raw: string): void {
    const calls = format.parseBody(body);
    if (calls === undefined || calls.length === 0) {
      out.content += whitespaceBeforeCall + raw;
      whitespaceBeforeCall = "";
      afterCall = false;
      return;
    }
    whitespaceBeforeCall = "";
    for (const call of calls) {
      const index = callCount++;
      out.toolCalls.push({ index, id: generateId(), type: "function", function: { name: call.name, arguments: "" } });
      out.toolCalls.push({ index, function: { arguments: call.arguments } });
    }
    afterCall = true;
  }

  function drain(out: Out): void {
    for (;;) {
      if (insideCall) {
        if (format.endTag === null) return;
        const end = buffer.indexOf(format.endTag);
        if (end < 0) return;
        const body = buffer.slice(0, end);
        buffer = buffer.slice(end + format.endTag.length);
        insideCall = false;
        finishCall(out, body, format.startTag + body + format.endTag);
        continue;
      }
      const found = findFirstTag(buffer, tags);
      if (found === undefined) {
        const hold = heldTagPrefixLength(buffer, tags);
        emitText(out, buffer.slice(0, buffer.length - hold));
        buffer = buffer.slice(buffer.length - hold);
        return;
      }
      emitText(out, buffer.slice(0, found.index));
      buffer = buffer.slice(found.index + found.tag.length);
      if (found.tag === format.startTag) {
        whitespaceBeforeCall = heldWhitespace;
        heldWhitespace = "";
        insideCall = true;
      }
    }
  }

  return {
    push(delta: string): ToolCallDelta {
      const out: Out = { content: "", toolCalls: [] };
      buffer += delta;
      drain(out);
      return toDelta(out);
    },
    end(): ToolCallDelta {
      const out: Out = { content: "", toolCalls: [] };
      if (insideCall) {
        // An unclosed call (the model stopped before the end tag): keep it when its body still decodes.
        const body = buffer;
        buffer = "";
        insideCall = false;
        finishCall(out, body, format.startTag + body);
      } else if (buffer.length > 0) {
        const rest = buffer;
        buffer = "";
        out.content += heldWhitespace + rest;
        heldWhitespace = "";
      }
      if (callCount === 0) out.content += heldWhitespace;
      heldWhitespace = "";
      return toDelta(out);
    },
    get toolCallCount() {
      return callCount;
    },
  };
}

interface Out {
  content: string;
  toolCalls: ToolCallChunk[];
}

function toDelta(out: Out): ToolCallDelta {
  return { content: out.content.length > 0 ? out.content : null, toolCalls: out.toolCalls };
}

function findFirstTag(text: string, tags: readonly string[]): { index: number; tag: string } | undefined {
  let best: { index: number; tag: string } | undefined;
  for (const tag of tags) {
    const index = text.indexOf(tag);
    if (index >= 0 && (best === undefined || index < best.index)) best = { index, tag };
  }
  return best;
}

/** Length of the longest suffix of `text` that is a proper prefix of one of the tags (held back until resolved). */
export function heldTagPrefixLength(text: string, tags: readonly string[]): number {
  let longest = 0;
  for (const tag of tags) {
    const max = Math.min(tag.length - 1, text.length);
    for (let length = max; length > longest; length--) {
      if (text.endsWith(tag.slice(0, length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}
