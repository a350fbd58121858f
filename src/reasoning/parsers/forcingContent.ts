import type { ReasoningParser, ReasoningSplit, ReasoningStream } from "../ReasoningParser.js";

/** Whether any text at all follows the first end tag (whitespace counts: it was an answer, just an empty one). */
function hasTextAfterEnd(output: string, endTag: string): boolean {
  const end = output.indexOf(endTag);
  return end >= 0 && end + endTag.length < output.length;
}

/**
 * `force_nonempty_content`: an answer that never came (the output stopped inside or right at the end of the
 * thought) is replaced by the thought. Not streamed, the thought moves to the content; streamed, it has gone out as
 * reasoning already and comes again as content at the end (vLLM's behaviour both ways).
 */
export function forcingContent(parser: ReasoningParser, endTag: string): ReasoningParser {
  return {
    extract(output) {
      const split = parser.extract(output);
      if (split.content !== null || hasTextAfterEnd(output, endTag) || !split.reasoning) return split;
      return { reasoning: null, content: split.reasoning };
    },
    stream(): ReasoningStream {
      const inner = parser.stream();
      let text = "";
      let reasoning = "";
      let sentContent = false;
      const note = (split: ReasoningSplit): ReasoningSplit => {
        reasoning += split.reasoning ?? "";
        if (split.content) sentContent = true;
        return split;
      };
      return {
        push(delta) {
          text += delta;
          return note(inner.push(delta));
        },
        end() {
          const last = note(inner.end());
          if (sentContent || hasTextAfterEnd(text, endTag) || reasoning === "") return last;
          return { reasoning: last.reasoning, content: reasoning };
        },
        ...(inner.progress !== undefined ? { progress: inner.progress.bind(inner) } : {}),
      };
    },
  };
}
