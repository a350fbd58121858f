/**
 * A JSON object's text with `"key": value` added as its last member, which wins over an earlier one (`null`) when
 * parsed. Editing the text instead of re-serialising keeps every other value as the client spelled it (`300.0`).
 */
export function withLastKey(objectText: string, key: string, value: string): Buffer {
  const end = objectText.lastIndexOf("}");
  const empty = objectText.slice(objectText.indexOf("{") + 1, end).trim() === "";
  return Buffer.from(`${objectText.slice(0, end)}${empty ? "" : ","}${JSON.stringify(key)}:${JSON.stringify(value)}}`);
}
