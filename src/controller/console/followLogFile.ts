import { fileSize, readFileRange } from "../../fileRange.js";

export interface FollowLogFileOptions {
  /** How many of the file's last lines to deliver first. */
  tailLines: number;
  intervalMs: number;
  onLines: (lines: string[]) => void;
}

/** How far back the first read looks for `tailLines` lines. */
const TAIL_WINDOW_BYTES = 256 * 1024;

/**
 * Delivers the last lines of a log file, then every complete line appended to it, polling its size (a file that
 * shrinks was truncated or replaced and is read again from its start; a file not there yet is waited for).
 * Returns the function that stops following.
 */
export function followLogFile(file: string, options: FollowLogFileOptions): () => void {
  const size = fileSize(file);
  let offset = Math.max(0, size - TAIL_WINDOW_BYTES);
  let partial = "";
  const first = readLines(size);
  // A window that starts mid-file starts mid-line: drop that first fragment.
  const lines = offset > 0 ? first.slice(1) : first;
  offset = size;
  options.onLines(lines.slice(-options.tailLines));

  function readLines(end: number): string[] {
    const text = partial + readFileRange(file, offset, end);
    const parts = text.split("\n");
    partial = parts.pop() ?? "";
    return parts;
  }

  const timer = setInterval(() => {
    const now = fileSize(file);
    if (now < offset) {
      offset = 0;
      partial = "";
    }
    if (now === offset) return;
    const fresh = readLines(now);
    offset = now;
    if (fresh.length > 0) options.onLines(fresh);
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
