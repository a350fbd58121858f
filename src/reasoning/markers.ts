/**
 * A marker recognises a tag (or a small pattern) at a position of the text seen so far.
 * - a number: the marker matches there, spanning that many characters;
 * - `"partial"`: the text ends before the marker can be decided; hold it back and wait for more;
 * - `undefined`: no match at this position.
 * With `final` set no more text will come, so a marker must decide (never answer `"partial"`).
 */
export type Marker = (text: string, at: number, final: boolean) => number | "partial" | undefined;

/** Whether `text` from `at` on is a proper prefix of `literal` that more text could complete. */
function isOpenPrefix(text: string, at: number, literal: string): boolean {
  const rest = text.length - at;
  return rest < literal.length && literal.startsWith(text.slice(at));
}

/** Any of the literal strings, e.g. `literal("</think>")` or `literal("Here is my response:", "Here's my response:")`. */
export function literal(...alternatives: readonly string[]): Marker {
  return (text, at, final) => {
    let partial = false;
    for (const candidate of alternatives) {
      if (text.startsWith(candidate, at)) return candidate.length;
      if (!final && isOpenPrefix(text, at, candidate)) partial = true;
    }
    return partial ? "partial" : undefined;
  };
}

const WHITESPACE = /\s/;

function skipWhile(text: string, at: number, pattern: RegExp): number {
  let index = at;
  while (index < text.length && pattern.test(text[index]!)) index++;
  return index;
}

/**
 * Optional characters matching `skipped` (one character at a time), then one of the literals. Used for "leading
 * whitespace, then `<think>`" and "`<tool_call>`, whitespace, then `<function`".
 */
export function skippingThen(skipped: RegExp, ...alternatives: readonly string[]): Marker {
  const then = literal(...alternatives);
  return (text, at, final) => {
    const after = skipWhile(text, at, skipped);
    if (after === text.length) return final ? undefined : "partial";
    const result = then(text, after, final);
    return typeof result === "number" ? after - at + result : result;
  };
}

/** Leading whitespace, then one of the literals (the whitespace is part of the match). */
export function whitespaceThen(...alternatives: readonly string[]): Marker {
  return skippingThen(WHITESPACE, ...alternatives);
}

/** One or more characters matching `pattern`, as many as there are (held back while the text ends in them). */
export function runOf(pattern: RegExp): Marker {
  return (text, at, final) => {
    const after = skipWhile(text, at, pattern);
    if (after === at) return undefined;
    if (after === text.length && !final) return "partial";
    return after - at;
  };
}

/** `first` immediately followed by `second`. */
export function sequence(first: Marker, second: Marker): Marker {
  return (text, at, final) => {
    const head = first(text, at, final);
    if (typeof head !== "number") return head;
    if (at + head === text.length) return final ? undefined : "partial";
    const tail = second(text, at + head, final);
    return typeof tail === "number" ? head + tail : tail;
  };
}
