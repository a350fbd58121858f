import type { ServerResponse } from "node:http";

/** How long the head of a streamed answer may wait for the first chunk before it is sent alone. */
export const STREAM_HEAD_DELAY_MS = 200;

/**
 * For a streamed answer whose head is written (`res.writeHead`) but not sent: it goes out with the first chunk, or
 * alone after `delayMs` when no chunk came by then (a long prompt: the client learns meanwhile that the request was
 * accepted). Sending it at once would wake the next process (controller, client) in the middle of the prompt's
 * decode, taking a core from it where decoding uses them all (bench/README.md: ~0.7 ms of time to first token).
 */
export function sendHeadWithFirstChunk(res: ServerResponse, delayMs = STREAM_HEAD_DELAY_MS): void {
  // `headersSent` is already true after writeHead; flushing a head that went out with a chunk writes nothing.
  const timer = setTimeout(() => {
    if (!res.destroyed && !res.writableEnded) res.flushHeaders();
  }, delayMs);
  timer.unref();
  const clear = (): void => clearTimeout(timer);
  res.once("finish", clear);
  res.once("close", clear);
}
