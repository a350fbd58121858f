import type { ServerResponse } from "node:http";

/** An AbortSignal that fires as soon as the client's connection closes before the response was finished. */
export function abortOnDisconnect(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
