import type { IncomingMessage, ServerResponse } from "node:http";
import type { ControllerState } from "../../protocol/ControllerState.js";
import { loadConsoleAssets, type ConsoleAsset } from "./consoleAssets.js";
import { followLogFile } from "./followLogFile.js";
import { sendOpenAIError } from "../sendOpenAIError.js";
import { CONSOLE_LOG_POLL_MS, CONSOLE_STATUS_REFRESH_MS } from "../timeouts.js";

export interface ConsoleRoutesOptions {
  /** The live controller state (what the admin `GET /status` returns); undefined while the controller starts. */
  status: () => ControllerState | undefined;
  /** Whether the API asks for a key (the page then asks the user for it). */
  apiKeyRequired: boolean;
  assetsDir?: string;
}

export interface ConsoleRoutes {
  /** `/ui`, `/ui/` and the files under it: public (the page itself asks for the API key). */
  serveAsset: (req: IncomingMessage, res: ServerResponse, pathname: string) => void;
  /** `/ui/api/...`: called after the API key was checked. */
  serveApi: (req: IncomingMessage, res: ServerResponse, url: URL) => void;
  /** Ends every open log stream (the server is draining). */
  close: () => void;
}

export const CONSOLE_PREFIX = "/ui";
export const CONSOLE_API_PREFIX = "/ui/api/";
const TAIL_LINES_DEFAULT = 200;
const TAIL_LINES_MAX = 5000;

interface LogSourceEntry {
  id: string;
  label: string;
  file: string;
}

/**
 * The web console: static files from `ui/` (loaded once), the JSON status it polls, and its log streams (SSE).
 * Nothing here sits on the proxy's path: the server hands a request over only after its path failed every API route.
 */
export function createConsoleRoutes(options: ConsoleRoutesOptions): ConsoleRoutes {
  const assets = loadConsoleAssets(options.assetsDir);
  const streams = new Set<ServerResponse>();

  /** The controller's log and each live replica's, where the controller records them. */
  const logSources = (): LogSourceEntry[] => {
    const state = options.status();
    if (state === undefined) return [];
    const sources: LogSourceEntry[] = [{ id: "controller", label: "controller", file: state.controller.logFile }];
    for (const app of state.applications) {
      for (const deployment of app.deployments) {
        for (const replica of deployment.replicas) {
          if (replica.logFile === undefined) continue;
          sources.push({
            id: `${app.name}/${deployment.modelId}/${replica.id}`,
            label: `${app.name} / ${deployment.modelId} / ${replica.id}`,
            file: replica.logFile,
          });
        }
      }
    }
    return sources;
  };

  const streamLog = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const source = logSources().find((entry) => entry.id === url.searchParams.get("source"));
    if (source === undefined) return sendOpenAIError(res, 404, "No such log source.", { code: "not_found", param: "source" });
    const tail = Math.min(TAIL_LINES_MAX, Math.max(0, Number(url.searchParams.get("tail") ?? TAIL_LINES_DEFAULT) || 0));
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    res.flushHeaders();
    streams.add(res);
    const stop = followLogFile(source.file, {
      tailLines: tail,
      intervalMs: CONSOLE_LOG_POLL_MS,
      onLines: (lines) => res.write(`data: ${JSON.stringify({ lines })}\n\n`),
    });
    res.on("close", () => {
      stop();
      streams.delete(res);
    });
    req.resume();
  };

  return {
    serveAsset: (req, res, pathname) => {
      if (pathname === CONSOLE_PREFIX) {
        res.writeHead(308, { location: `${CONSOLE_PREFIX}/` });
        res.end();
        return;
      }
      const name = pathname === `${CONSOLE_PREFIX}/` ? "index.html" : pathname.slice(CONSOLE_PREFIX.length + 1);
      const asset = assets.get(name);
      if (asset === undefined || (req.method !== "GET" && req.method !== "HEAD")) {
        return sendOpenAIError(res, 404, `No console file ${pathname}.`, { code: "not_found" });
      }
      sendAsset(req, res, asset);
    },
    serveApi: (req, res, url) => {
      const route = url.pathname.slice(CONSOLE_API_PREFIX.length);
      if (req.method !== "GET") return sendOpenAIError(res, 405, `${url.pathname} takes GET.`, { code: "method_not_allowed" });
      if (route === "status") {
        const state = options.status();
        if (state === undefined) return sendOpenAIError(res, 503, "The controller is starting.", { code: "starting" });
        const { adminToken: _secret, ...controller } = state.controller;
        return sendJson(res, 200, {
          ...state,
          controller,
          console: { refreshMs: CONSOLE_STATUS_REFRESH_MS, apiKeyRequired: options.apiKeyRequired },
        });
      }
      if (route === "logs") return sendJson(res, 200, { sources: logSources().map(({ id, label }) => ({ id, label })) });
      if (route === "logs/stream") return streamLog(req, res, url);
      sendOpenAIError(res, 404, `No console route ${url.pathname}.`, { code: "not_found" });
    },
    close: () => {
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}

function sendAsset(req: IncomingMessage, res: ServerResponse, asset: ConsoleAsset): void {
  const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  const body = gzip ? asset.gzipped : asset.body;
  res.writeHead(200, {
    "content-type": asset.contentType,
    "content-length": body.length,
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'",
    ...(gzip ? { "content-encoding": "gzip" } : {}),
    vary: "Accept-Encoding",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}
