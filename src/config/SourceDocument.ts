import type { Document, LineCounter } from "yaml";

/** One parsed YAML file with what is needed to turn a node back into FILE:LINE:COL. */
export interface SourceDocument {
  /** The path as it appears in diagnostics (as given for the main file, joined for included files). */
  file: string;
  /** Absolute path. */
  absolutePath: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The plain JavaScript value of the document. */
  value: unknown;
  bytes: Buffer;
}
