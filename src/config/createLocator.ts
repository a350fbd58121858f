import { dirname } from "node:path";
import { isAlias, isMap, isPair, isScalar, isSeq, type Node } from "yaml";
import type { PathSegment } from "./Finding.js";
import type { SourceDocument } from "./SourceDocument.js";

export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** An included file (an llm_configs entry given as a path) and where its content sits in the whole config. */
export interface Inclusion {
  segments: readonly PathSegment[];
  source: SourceDocument;
}

export interface Locator {
  /** Position of the node at `segments` (or of its key); falls back to the deepest node that exists. */
  locate(segments: readonly PathSegment[], at: "key" | "value"): SourcePosition;
  /** Directory of the file that holds the node at `segments`: what relative paths there are relative to. */
  baseDirOf(segments: readonly PathSegment[]): string;
  /** The order of files for sorting diagnostics: main file first, then included files. */
  fileOrder(file: string): number;
}

export function createLocator(main: SourceDocument, inclusions: readonly Inclusion[]): Locator {
  const sourceFor = (segments: readonly PathSegment[]): { source: SourceDocument; rest: readonly PathSegment[] } => {
    for (const inclusion of inclusions) {
      if (startsWith(segments, inclusion.segments)) {
        return { source: inclusion.source, rest: segments.slice(inclusion.segments.length) };
      }
    }
    return { source: main, rest: segments };
  };
  const files = [main.file, ...inclusions.map((i) => i.source.file)];
  return {
    locate(segments, at) {
      const { source, rest } = sourceFor(segments);
      const offset = offsetOf(source, rest, at);
      const { line, col } = source.lineCounter.linePos(offset);
      return { file: source.file, line, column: col };
    },
    baseDirOf(segments) {
      return dirname(sourceFor(segments).source.absolutePath);
    },
    fileOrder(file) {
      const index = files.indexOf(file);
      return index === -1 ? files.length : index;
    },
  };
}

function startsWith(segments: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= segments.length && prefix.every((segment, i) => segments[i] === segment);
}

function offsetOf(source: SourceDocument, segments: readonly PathSegment[], at: "key" | "value"): number {
  let node: unknown = source.doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    node = resolveAlias(node, source);
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
      if (pair === undefined) return offset;
      const keyStart = rangeStart(pair.key);
      const valueStart = rangeStart(pair.value);
      if (last && at === "key") return keyStart ?? valueStart ?? offset;
      // A key with no value (`foo:`) has an empty null scalar right after the colon: point at the key instead.
      const emptyValue = isScalar(pair.value) && pair.value.value === null && (pair.value.source ?? "") === "";
      offset = emptyValue ? (keyStart ?? offset) : (valueStart ?? keyStart ?? offset);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      const start = rangeStart(item);
      if (item === undefined || start === undefined) return offset;
      offset = start;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

function resolveAlias(node: unknown, source: SourceDocument): unknown {
  return isAlias(node) ? node.resolve(source.doc) : node;
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String((key as Node | null)?.toJSON?.() ?? key);
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range === undefined || range === null ? undefined : range[0];
}
