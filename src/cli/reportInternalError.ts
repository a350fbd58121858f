import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { llmserveHome } from "../llmserveHome.js";

/**
 * An unexpected error is a bug: print one line that says where the stack went, never the stack itself.
 */
export function reportInternalError(error: unknown): void {
  const logDir = join(llmserveHome(), "logs");
  const logFile = join(logDir, "cli-errors.log");
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const summary = error instanceof Error ? error.message : String(error);
  try {
    mkdirSync(logDir, { recursive: true });
    appendFileSync(logFile, `${new Date().toISOString()} ${detail}\n`);
    process.stderr.write(`llmserve: internal error: ${firstLine(summary)} (details in ${logFile})\n`);
  } catch {
    process.stderr.write(`llmserve: internal error: ${firstLine(summary)}\n`);
  }
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? "";
}
