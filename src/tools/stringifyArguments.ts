/**
 * Serialises tool-call arguments the way vLLM does (Python's `json.dumps(..., ensure_ascii=False)`: `", "` and
 * `": "` separators, non-ASCII kept), so clients see byte-for-byte what a vLLM server would send. For
 * `{"city": "Paris"}` that is also exactly what Qwen-style models write.
 */
export function stringifyArguments(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stringifyArguments).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${stringifyArguments(item)}`).join(", ")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
