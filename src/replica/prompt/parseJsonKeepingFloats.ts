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
  const value = JSON.parse(marked) as unknown;
  return found ? unmark(value, marker) : value;
}

/** Turns the marked strings back into numbers, remembering where they were (faster than a JSON.parse reviver). */
function unmark(value: unknown, marker: string): unknown {
  if (typeof value === "string") return value.startsWith(marker) ? Number(value.slice(marker.length)) : value;
  if (typeof value !== "object" || value === null) return value;
  const container = value as Record<string, unknown>;
  for (const key of Object.keys(container)) {
    const item = container[key];
    if (typeof item === "string") {
      if (!item.startsWith(marker)) continue;
      container[key] = Number(item.slice(marker.length));
      const floats = WRITTEN_AS_FLOAT.get(container) ?? new Set<string>();
      floats.add(key);
      WRITTEN_AS_FLOAT.set(container, floats);
    } else if (typeof item === "object" && item !== null) {
      unmark(item, marker);
    }
  }
  return value;
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
      let fractionOrExponent = false;
      while (end < text.length) {
        const c = text.charCodeAt(end);
        if (c === 0x2e || c === 0x65 || c === 0x45) fractionOrExponent = true;
        else if (!((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d)) break;
        end++;
      }
      if (fractionOrExponent && Number.isInteger(Number(text.slice(i, end)))) {
        out += text.slice(last, i) + JSON.stringify(marker + text.slice(i, end));
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
