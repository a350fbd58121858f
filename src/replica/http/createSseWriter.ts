import type { ServerResponse } from "node:http";
import { sendHeadWithFirstChunk } from "../../sendHeadWithFirstChunk.js";

export interface SseWriter {
  /**
   * Sends one `data: {json}` event, preceded by `event: NAME` when `event` is given (the Responses and Anthropic
   * streams name every event). Returns false once the client is gone.
   */
  send(data: unknown, event?: string): boolean;
  /**
   * Resolves once the client has taken what was written (at once when nothing is buffered), or is gone:
   * generation waits on it so a slow reader is not buffered without bound.
   */
  drained(): Promise<void>;
  /** Sends `data: [DONE]` and ends the response. */
  done(): void;
  /** Ends the response without `[DONE]` (streams whose last event says they are over). */
  end(): void;
}

/** Server-sent events the way OpenAI streams: `data: <json>\n\n` per chunk, then `data: [DONE]`. */
export function createSseWriter(res: ServerResponse): SseWriter {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  sendHeadWithFirstChunk(res);
  return {
    send(data, event) {
      if (res.destroyed || res.writableEnded) return false;
      res.write(`${event === undefined ? "" : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`);
      return true;
    },
    drained() {
      if (!res.writableNeedDrain || res.destroyed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const finish = (): void => {
          res.off("drain", finish);
          res.off("close", finish);
          resolve();
        };
        res.once("drain", finish);
        res.once("close", finish);
      });
    },
    done() {
      if (res.destroyed || res.writableEnded) return;
      res.end("data: [DONE]\n\n");
    },
    end() {
      if (res.destroyed || res.writableEnded) return;
      res.end();
    },
  };
}
