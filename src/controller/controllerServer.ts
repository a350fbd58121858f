import { createServer, type Server } from "node:http";
import { Agent } from "undici";
import { waitUntil } from "../process/processGroup.js";
import { PROCESS_POLL_INTERVAL_MS } from "../process/timeouts.js";
import type { ApiContext, ApiServerOptions, Observed } from "./api/ApiServerOptions.js";
import { handleApiRequest } from "./api/handleApiRequest.js";
import { RequestObservation } from "./metrics/RequestObservation.js";
import { sendOpenAIError } from "./sendOpenAIError.js";

export type { ApiServerOptions, ServingTable } from "./api/ApiServerOptions.js";

export interface ApiServer {
  /** Binds; rejects with a clear message when the port is taken. */
  listen: (host: string, port: number) => Promise<number>;
  /** Stops accepting, lets in-flight requests finish within `timeoutMs`, then closes what is left. */
  drain: (timeoutMs: number) => Promise<boolean>;
}

/**
 * The OpenAI-compatible front door on http_options.host:port: the HTTP server, its connection pool to the replicas
 * and the in-flight count drain waits for; each request goes through `handleApiRequest`.
 */
export function createApiServer(options: ApiServerOptions): ApiServer {
  let inFlight = 0;
  let draining = false;
  const api: ApiContext = {
    options,
    dispatcher: new Agent({ keepAliveTimeout: 10_000, connections: 256 }),
    createdAt: Math.floor(Date.now() / 1000),
    draining: () => draining,
  };

  const server: Server = createServer((req, res) => {
    inFlight++;
    const seen: Observed = { observation: new RequestObservation(req), route: "unmatched", deployment: undefined };
    res.setHeader("x-request-id", seen.observation.requestId);
    res.on("close", () => {
      inFlight--;
      options.finished(seen.observation.record(res, seen.route), seen.deployment);
    });
    const failed = (error: unknown): void => {
      options.log(`internal error on ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
      sendOpenAIError(res, 500, "Internal error in the llmserve controller (see its log).");
    };
    try {
      handleApiRequest(api, req, res, seen)?.catch(failed);
    } catch (error) {
      failed(error);
    }
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs;

  return {
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address();
          resolve(typeof address === "object" && address !== null ? address.port : port);
        });
      }),
    drain: async (timeoutMs) => {
      draining = true;
      options.console?.close();
      server.close();
      server.closeIdleConnections();
      const done = await waitUntil(() => inFlight === 0, timeoutMs, PROCESS_POLL_INTERVAL_MS);
      server.closeAllConnections();
      await api.dispatcher.close().catch(() => undefined);
      return done;
    },
  };
}
