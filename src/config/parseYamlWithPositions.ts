import { isMap, LineCounter, parseDocument, type YAMLError } from "yaml";
import type { SourceDocument } from "./SourceDocument.js";
import { pyyamlTags } from "./pyyamlTags.js";

export interface YamlProblem {
  line: number;
  column: number;
  severity: "error" | "warning";
  message: string;
}

export type ParseYamlResult = { ok: true; source: SourceDocument } | { ok: false; problems: YamlProblem[] };

/** Most aliases one file may expand; protects against "billion laughs" files. */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses one YAML document whose root must be a mapping. Every syntax error is reported (with its position),
 * never thrown; duplicate keys are errors.
 */
export function parseYamlWithPositions(
  text: string,
  bytes: Buffer,
  file: string,
  absolutePath: string,
  what = "a mapping",
): ParseYamlResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    version: "1.1",
    schema: "yaml-1.1",
    customTags: pyyamlTags,
    merge: true,
  });
  const problems: YamlProblem[] = [];
  for (const error of doc.errors) problems.push(toProblem(error, "error", text, lineCounter));
  for (const warning of doc.warnings) {
    // PyYAML's safe_load refuses unknown tags, so Ray would too.
    problems.push(toProblem(warning, warning.code === "TAG_RESOLVE_FAILED" ? "error" : "warning", text, lineCounter));
  }
  if (problems.some((p) => p.severity === "error")) return { ok: false, problems };

  if (doc.contents === null) {
    return { ok: false, problems: [{ line: 1, column: 1, severity: "error", message: `the file is empty; expected ${what}` }] };
  }
  if (!isMap(doc.contents)) {
    const start = lineCounter.linePos(doc.contents.range?.[0] ?? 0);
    return {
      ok: false,
      problems: [{ line: start.line, column: start.col, severity: "error", message: `the top level must be ${what} (got ${nodeKind(doc.contents)})` }],
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ line: 1, column: 1, severity: "error", message: `cannot expand the YAML: ${message}` }] };
  }
  return { ok: true, source: { file, absolutePath, doc, lineCounter, value, bytes } };
}

function nodeKind(node: unknown): string {
  const value = (node as { toJSON?: () => unknown }).toJSON?.();
  if (Array.isArray(value)) return "a list";
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return `a string`;
  return `a ${typeof value}`;
}

function toProblem(error: YAMLError, severity: YamlProblem["severity"], text: string, lineCounter: LineCounter): YamlProblem {
  const { line, col } = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
  return { line, column: col, severity, message: yamlMessage(error, text) };
}

function yamlMessage(error: YAMLError, text: string): string {
  const first = (error.message.split("\n", 1)[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
  switch (error.code) {
    case "DUPLICATE_KEY": {
      const key = keyTextAt(text, error.pos[0]);
      return key === "" ? "duplicate key" : `duplicate key '${key}'`;
    }
    case "MULTIPLE_DOCS":
      return "the file holds more than one YAML document (---); a config file is one document";
    case "TAB_AS_INDENT":
      return "YAML syntax error: tabs are not allowed for indentation; indent with spaces";
    case "TAG_RESOLVE_FAILED":
      return `unsupported YAML tag ${first.replace(/^Unresolved tag: /, "")} (Ray's YAML loader refuses it too)`;
    default:
      return `YAML syntax error: ${lowerFirst(first)}`;
  }
}

function keyTextAt(text: string, offset: number): string {
  const rest = text.slice(offset);
  const match = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^:\n#]*?))\s*:/.exec(rest);
  return (match?.[1] ?? match?.[2] ?? match?.[3] ?? "").trim();
}

function lowerFirst(text: string): string {
  return text.length > 0 ? text[0]!.toLowerCase() + text.slice(1) : text;
}
