/**
 * Where the JSON object or array that starts `text` ends (exclusive index), by bracket depth outside strings;
 * undefined when it does not start with `{`/`[` or never closes. The slice still has to pass JSON.parse.
 */
export function scanJsonValueEnd(text: string): number | undefined {
  if (!text.startsWith("{") && !text.startsWith("[")) return undefined;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === "\\") index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  return undefined;
}
