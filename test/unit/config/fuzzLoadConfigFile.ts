import { parse, stringify } from "yaml";

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const REPLACEMENTS: readonly unknown[] = [
  0,
  -1,
  1.5,
  99999999999,
  "",
  "x",
  "qwen",
  true,
  false,
  null,
  [],
  [1, "a"],
  {},
  { a: 1 },
];

/** Every container (mapping or list) in a parsed YAML value, with a way to reach into it. */
function containers(
  value: unknown,
  out: Array<Record<string, unknown> | unknown[]> = [],
): Array<Record<string, unknown> | unknown[]> {
  if (typeof value === "object" && value !== null) {
    out.push(value as Record<string, unknown>);
    for (const child of Object.values(value)) containers(child, out);
  }
  return out;
}

/** Structural mutation: drop a key or list item, or replace a value by one of another type. */
export function mutateStructure(text: string, random: Random): string {
  const value: unknown = parse(text, { version: "1.1", merge: true });
  const all = containers(value);
  if (all.length === 0) return text;
  const target = pick(random, all);
  const keys = Object.keys(target);
  if (keys.length === 0) return stringify(value);
  const key = pick(random, keys);
  if (random() < 0.4) {
    if (Array.isArray(target)) target.splice(Number(key), 1);
    else delete target[key];
  } else {
    const replacement = structuredClone(pick(random, REPLACEMENTS));
    if (Array.isArray(target)) target[Number(key)] = replacement;
    else target[key] = replacement;
  }
  return stringify(value);
}

/** Byte-level mutation: flip, insert or delete bytes, truncate, or shuffle lines and indentation. */
export function mutateBytes(text: string, random: Random): Buffer {
  const bytes = Buffer.from(text);
  const at = Math.floor(random() * bytes.length);
  switch (Math.floor(random() * 6)) {
    case 0:
      bytes[at] = Math.floor(random() * 256);
      return bytes;
    case 1:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([Math.floor(random() * 256)]), bytes.subarray(at)]);
    case 2:
      return Buffer.concat([
        bytes.subarray(0, at),
        bytes.subarray(Math.min(bytes.length, at + 1 + Math.floor(random() * 8))),
      ]);
    case 3:
      return bytes.subarray(0, at);
    case 4: {
      const lines = text.split("\n");
      const i = Math.floor(random() * lines.length);
      lines.splice(i, 0, lines[Math.floor(random() * lines.length)] ?? "");
      return Buffer.from(lines.join("\n"));
    }
    default: {
      const lines = text.split("\n");
      const i = Math.floor(random() * lines.length);
      lines[i] = random() < 0.5 ? ` ${lines[i] ?? ""}` : (lines[i] ?? "").replace(/^ /, "");
      return Buffer.from(lines.join("\n"));
    }
  }
}
