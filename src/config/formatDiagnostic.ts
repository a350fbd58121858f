import type { Diagnostic } from "./Diagnostic.js";

/** `FILE:LINE:COL: error: MESSAGE (at PATH)`, the form compilers and editors understand. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.path === "" ? "" : ` (at ${d.path})`;
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}${where}`;
}
