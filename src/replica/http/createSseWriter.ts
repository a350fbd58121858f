import type { ServerResponse } from "node:http";

export interface SseWriter {
  /** Sends one `data: {json}` event. Returns false once the client is gone. */
  send(data: unknown): boolean;
  /** Sends `data: [DONE]` and ends the response. */
  done(): void;
}

/** Server-sent events the way OpenAI streams: `data: <json>\n\n` per chunk, then `data: [DONE]`. */
export function createSseWriter(res: ServerResponse): SseWriter {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.flushHeaders();
  return {
    send(data) {
      if (res.destroyed || res.writableEnded) return false;
      res.write(`data: ${JSON.stringify(data)}\n\n`);
      return true;
    },
    done() {
      if (res.destroyed || res.writableEnded) return;
      res.end("data: [DONE]\n\n");
    },
  };
}
