/** A key or index on the way from the file's root to a value. */
export type PathSegment = string | number;

/**
 * A problem before it has a position: where in the config (segments) and which part of the node to point at.
 * `key` points at the mapping key of the last segment (for unknown keys), `value` at the value itself.
 */
export interface Finding {
  segments: readonly PathSegment[];
  at: "key" | "value";
  severity: "error" | "warning";
  message: string;
  /** Point at this node instead of `segments` (a missing key is reported where its mapping is). */
  positionAt?: readonly PathSegment[];
  /** Another place the message refers to (e.g. the first of two duplicate names): adds "(first at ...)". */
  firstAt?: readonly PathSegment[];
}

export function errorAt(segments: readonly PathSegment[], message: string, at: Finding["at"] = "value"): Finding {
  return { segments, at, severity: "error", message };
}

export function warningAt(segments: readonly PathSegment[], message: string, at: Finding["at"] = "key"): Finding {
  return { segments, at, severity: "warning", message };
}
