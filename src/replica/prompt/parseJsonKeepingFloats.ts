import { randomBytes } from "node:crypto";

const WRITTEN_AS_FLOAT = new WeakMap<object, Set<string>>();

/**
 * `JSON.parse`, remembering which whole numbers were written as floats (`300.0`, `1e3`): JavaScript has one number
 * type, Python (and so the chat template) keeps `300.0` a float. The values stay plain numbers for all other code;
 * `writtenAsFloat(container, key)` answers for the template. Throws SyntaxError like `JSON.parse`.
 */
export function parseJsonKeepingFloats(text: string): unknown {
  const marker = `\u0000${randomBytes(6).toString("hex")}:`;
  const { text: marked, found } = markWholeFloats(text, marker);
  if (!found) return JSON.parse(text) as unknown;
  return JSON.parse(marked, function revive(this: object, key: string, value: unknown) {
    if (typeof value !== "string" || !value.startsWith(marker)) return value;
    const floats = WRITTEN_AS_FLOAT.get(this) ?? new Set<string>();
    floats.add(key);
    WRITTEN_AS_FLOAT.set(this, floats);
    return Number(value.slice(marker.length));
  }) as unknown;
}

/** Whether `container[key]` was written as a float in the JSON text `parseJsonKeepingFloats` read. */
export function writtenAsFloat(container: object, key: string | number): boolean {
  return WRITTEN_AS_FLOAT.get(container)?.has(String(key)) ?? false;
}

/** Replaces each number literal outside strings that has a fraction or exponent and a whole value by a marked string. */
function markWholeFloats(text: string, marker: string): { text: string; found: boolean } {
  let out = "";
  let last = 0;
  let found = false;
  let i = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      i = endOfString(text, i);
      continue;
    }
    if (ch === 0x2d || (ch >= 0x30 && ch <= 0x39)) {
      let end = i + 1;
      while (end < text.length && /[0-9.eE+-]/.test(text[end]!)) end++;
      const literal = text.slice(i, end);
      if (/[.eE]/.test(literal) && Number.isInteger(Number(literal))) {
        out += text.slice(last, i) + JSON.stringify(marker + literal);
        last = end;
        found = true;
      }
      i = end;
      continue;
    }
    i++;
  }
  return { text: found ? out + text.slice(last) : text, found };
}

function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5c) i += 2;
    else if (ch === 0x22) return i + 1;
    else i++;
  }
  return i;
}
