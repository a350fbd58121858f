import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Agent } from "undici";
import { decodeJsonBody } from "../protocol/decodeJsonBody.js";
import type { Deployment } from "./deployment.js";
import { NoReplicaAvailableError } from "./errors/NoReplicaAvailableError.js";
import { ReplicaUnreachableError } from "./errors/ReplicaUnreachableError.js";
import { isAnthropicPath } from "../protocol/anthropicErrorEnvelope.js";
import { sendOpenAIError, useAnthropicErrors } from "./sendOpenAIError.js";
import { RequestObservation } from "./metrics/RequestObservation.js";
import type { RequestRecord } from "./metrics/RequestRecord.js";
import { corsDecision } from "./corsPolicy.js";
import { CONSOLE_API_PREFIX, CONSOLE_PREFIX, type ConsoleRoutes } from "./console/consoleRoutes.js";
import type { ResolvedCorsOptions } from "../config/ResolvedConfig.js";
import { proxyToReplica } from "./proxy.js";
import { matchRoute, resolveModel, type RouteApp, type RouteScope } from "./router.js";
import { bodyTooLargeMessage, MAX_REQUEST_BODY_BYTES, modelNotFoundMessage } from "../protocol/httpContract.js";
import { PROCESS_POLL_INTERVAL_MS } from "../process/timeouts.js";
import { waitUntil } from "../process/processGroup.js";
import { withLastKey } from "./withLastKey.js";

/** What the API server reads from the controller at every request. */
export interface ServingTable {
  routes: () => RouteApp[];
  deployment: (appName: string, modelId: string) => Deployment | undefined;
}

export interface ApiServerOptions {
  table: ServingTable;
  requestTimeoutMs: number | undefined;
  /** Sent to the replicas with every request (they refuse requests without it). */
  replicaToken: string | undefined;
  keepAliveTimeoutMs: number;
  /** When set, every request but /health must send `Authorization: Bearer <apiKey>` (or `x-api-key` on /v1/messages). */
  apiKey: string | undefined;
  /** http_options.cors; undefined = same-origin only. */
  cors: ResolvedCorsOptions | undefined;
  /** The web console under /ui; undefined = none. */
  console: ConsoleRoutes | undefined;
  log: (message: string) => void;
  /** Every finished request (metrics, access log); the deployment it went to, when it reached one. */
  finished: (record: RequestRecord, deployment: Deployment | undefined) => void;
  /** `GET /metrics`: the Prometheus exposition. */
  metrics: () => Promise<{ contentType: string; text: string }>;
}

export interface ApiServer {
  /** Binds; rejects with a clear message when the port is taken. */
  listen: (host: string, port: number) => Promise<number>;
  /** Stops accepting, lets in-flight requests finish within `timeoutMs`, then closes what is left. */
  drain: (timeoutMs: number) => Promise<boolean>;
}

/** A full queue or no reachable replica is over in about this long: clients may retry then (RFC 9110 10.2.3). */
const RETRY_AFTER = { "retry-after": "1" } as const;

/** Per request: the observation and what routing learnt (the metrics' route label is never a raw client path). */
interface Observed {
  observation: RequestObservation;
  route: string;
  deployment: Deployment | undefined;
}

/** Routes by body `model` need the body; these are the POST endpoints proxied to replicas. */
const MODEL_ENDPOINTS = new Set([
  "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses", "/v1/messages", "/v1/messages/count_tokens",
  "/tokenize", "/detokenize",
]);

/** The OpenAI-compatible front door on http_options.host:port. */
export function createApiServer(options: ApiServerOptions): ApiServer {
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 256 });
  const createdAt = Math.floor(Date.now() / 1000);
  let inFlight = 0;
  let draining = false;

  const handle = async (req: IncomingMessage, res: ServerResponse, seen: Observed): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://controller");
    if (draining) {
      seen.observation.errorCode = "shutting_down";
      res.setHeader("connection", "close");
      return sendOpenAIError(res, 503, "llmserve is shutting down.", { code: "shutting_down" });
    }
    if (req.headers.origin !== undefined) {
      const cors = corsDecision(options.cors, req.method, req.headers);
      if (cors.kind === "refused") return sendOpenAIError(res, 403, cors.message, { code: "cors_origin_not_allowed" });
      if (cors.kind === "preflight") {
        res.writeHead(204, cors.headers);
        res.end();
        return;
      }
      if (cors.headers !== undefined) for (const [name, value] of Object.entries(cors.headers)) res.setHeader(name, value!);
    }
    if (url.pathname === "/health" || url.pathname === "/-/healthz") {
      seen.route = url.pathname;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "ok" }));
      return;
    }
    const scope = matchRoute(options.table.routes(), url.pathname);
    const anthropic = isAnthropicPath(scope.path);
    if (anthropic) useAnthropicErrors(res);
    if (options.apiKey !== undefined && !keyMatches(req, options.apiKey, anthropic)) {
      // The console's page and files are public (the page asks for the key); its API is not.
      if (options.console !== undefined && isConsoleAsset(url.pathname)) {
        return options.console.serveAsset(req, res, url.pathname);
      }
      return sendOpenAIError(res, 401, `Missing or wrong API key: send \`${anthropic ? "x-api-key: <key>" : "Authorization: Bearer <key>"}\`.`, {
        type: "authentication_error",
        code: "invalid_api_key",
      });
    }
    if (url.pathname === "/metrics") {
      seen.route = "/metrics";
      if (req.method !== "GET") return sendOpenAIError(res, 405, "/metrics takes GET.", { code: "method_not_allowed" });
      const { contentType, text } = await options.metrics();
      res.writeHead(200, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    if (scope.path === "/v1/models" || scope.path.startsWith("/v1/models/")) seen.route = "/v1/models";
    if (req.method === "GET" && scope.path === "/v1/models") return listModels(res, scope, createdAt);
    if (req.method === "GET" && scope.path.startsWith("/v1/models/")) {
      const id = decodeURIComponent(scope.path.slice("/v1/models/".length));
      const found = scope.apps.some((app) => app.modelIds.includes(id));
      if (!found) {
        const served = scope.apps.flatMap((app) => app.modelIds);
        return sendOpenAIError(res, 404, modelNotFoundMessage(id, served), { code: "model_not_found", param: "model" });
      }
      return sendJson(res, 200, modelCard(id, createdAt));
    }
    if (!MODEL_ENDPOINTS.has(scope.path)) {
      seen.route = "unmatched";
      // Only requests that missed every API route get here: the console costs the proxy path nothing.
      if (options.console !== undefined && url.pathname.startsWith(CONSOLE_API_PREFIX)) {
        return options.console.serveApi(req, res, url);
      }
      if (options.console !== undefined && isConsoleAsset(url.pathname)) {
        return options.console.serveAsset(req, res, url.pathname);
      }
      return sendOpenAIError(res, 404, `No route for ${req.method} ${url.pathname}.`, { code: "not_found" });
    }
    seen.route = scope.path;
    if (req.method !== "POST") {
      return sendOpenAIError(res, 405, `${url.pathname} takes POST.`, { code: "method_not_allowed" });
    }
    const body = await readBody(req);
    if (body === undefined) {
      return sendOpenAIError(res, 413, bodyTooLargeMessage(MAX_REQUEST_BODY_BYTES), { code: "request_too_large" });
    }
    const decoded = decodeJsonBody(body, req.headers["content-type"]);
    if (!decoded.ok) return sendOpenAIError(res, 400, decoded.message, { code: decoded.code });
    const parsed = decoded.value;
    const model = parsed["model"];
    const resolved = resolveModel(scope, model);
    if (!resolved.ok) {
      return sendOpenAIError(res, resolved.status, resolved.message, { code: resolved.code, param: resolved.param });
    }
    seen.observation.model = resolved.modelId;
    seen.observation.application = resolved.app.name;
    const deployment = options.table.deployment(resolved.app.name, resolved.modelId);
    seen.deployment = deployment;
    if (deployment === undefined) {
      return sendOpenAIError(res, 404, `The model '${resolved.modelId}' is not deployed.`, { code: "model_not_found" });
    }
    // The replica serves one model and wants its id: fill in the one the controller chose, as a last key (it wins
    // over a null one) added to the text as sent, so numbers keep their spelling (`300.0` stays a float).
    const forwarded = (model === undefined || model === null || model === "")
      ? withLastKey(body.toString("utf8"), "model", resolved.modelId)
      : body;
    seen.observation.deployment = deployment.spec().name;
    await forward(req, res, forwarded, deployment, `${scope.path}${url.search}`, seen.observation);
  };

  const forward = async (req: IncomingMessage, res: ServerResponse, body: Buffer, deployment: Deployment,
    path: string, observation: RequestObservation): Promise<void> => {
    // A replica that died a moment ago refuses the connection; such a request never reached it and is retried.
    for (let attempt = 0; attempt < 3; attempt++) {
      let lease = deployment.tryAcquire();
      if (lease === undefined) {
        const waitStarted = performance.now();
        lease = await waitForReplica(res, deployment, observation);
        observation.queueMs += performance.now() - waitStarted;
      }
      if (lease === undefined) return;
      try {
        const baseUrl = lease.resource.baseUrl();
        if (baseUrl === undefined) continue;
        observation.dispatched();
        await proxyToReplica({ req, res, body, baseUrl, path, dispatcher, headersTimeoutMs: options.requestTimeoutMs, tap: observation,
          replicaToken: options.replicaToken });
        return;
      } catch (error) {
        if (error instanceof ReplicaUnreachableError) {
          options.log(`${deployment.key}: ${error.message}; retrying on another replica`);
          continue;
        }
        const name = (error as Error).name;
        if (name === "HeadersTimeoutError") {
          // A gateway timeout: the replica may be frozen, so it gets no new request until a health check passes.
          lease.resource.reportTimeout();
          return sendOpenAIError(res, 504, `The replica did not answer within http_options.request_timeout_s (${(options.requestTimeoutMs ?? 0) / 1000} s).`, {
            code: "request_timeout",
          });
        }
        return sendOpenAIError(res, 502, `The replica failed: ${(error as Error).message}`, { code: "replica_error" });
      } finally {
        lease.release();
      }
    }
    observation.errorCode = "replica_unreachable";
    sendOpenAIError(res, 503, `No replica of ${deployment.key} is reachable right now.`, {
      code: "replica_unreachable",
      headers: RETRY_AFTER,
    });
  };

  /** Queues the request until a replica has room; undefined once answered (503) or the client is gone. */
  const waitForReplica = async (res: ServerResponse, deployment: Deployment, observation: RequestObservation) => {
    const abort = new AbortController();
    const onClose = (): void => abort.abort();
    res.on("close", onClose);
    try {
      return await deployment.acquire(abort.signal);
    } catch (error) {
      if (abort.signal.aborted) return undefined;
      const code = error instanceof NoReplicaAvailableError ? error.code : undefined;
      observation.errorCode = code;
      sendOpenAIError(res, 503, (error as Error).message, code === undefined ? {} : { code, headers: RETRY_AFTER });
      return undefined;
    } finally {
      res.off("close", onClose);
    }
  };

  const server: Server = createServer((req, res) => {
    inFlight++;
    const seen: Observed = { observation: new RequestObservation(req), route: "unmatched", deployment: undefined };
    res.setHeader("x-request-id", seen.observation.requestId);
    res.on("close", () => {
      inFlight--;
      options.finished(seen.observation.record(res, seen.route), seen.deployment);
    });
    handle(req, res, seen).catch((error: unknown) => {
      options.log(`internal error on ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
      sendOpenAIError(res, 500, "Internal error in the llmserve controller (see its log).");
    });
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
      await dispatcher.close().catch(() => undefined);
      return done;
    },
  };
}

function isConsoleAsset(pathname: string): boolean {
  return pathname === CONSOLE_PREFIX || (pathname.startsWith(`${CONSOLE_PREFIX}/`) && !pathname.startsWith(CONSOLE_API_PREFIX));
}

function listModels(res: ServerResponse, scope: RouteScope, createdAt: number): void {
  const ids = [...new Set(scope.apps.flatMap((app) => app.modelIds))];
  sendJson(res, 200, { object: "list", data: ids.map((id) => modelCard(id, createdAt)) });
}

function modelCard(id: string, createdAt: number): Record<string, unknown> {
  return { id, object: "model", created: createdAt, owned_by: "llmserve" };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** The whole body, or undefined once it passes MAX_REQUEST_BODY_BYTES (the rest is then read and dropped). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      req.off("data", onData);
      req.resume();
      resolve(undefined);
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

/** `Authorization: Bearer KEY`; on the Anthropic routes also `x-api-key: KEY`, as Anthropic clients send it. */
function keyMatches(req: IncomingMessage, key: string, anthropic: boolean): boolean {
  const header = req.headers["x-api-key"];
  if (anthropic && typeof header === "string" && constantTimeEqual(header, key)) return true;
  return bearerMatches(req.headers.authorization, key);
}

function constantTimeEqual(given: string, wanted: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(wanted);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `Authorization: Bearer KEY`, the scheme in any case (RFC 9110 11.1); the key compared in constant time. */
function bearerMatches(header: string | undefined, key: string): boolean {
  const match = /^bearer +(.*)$/i.exec(header ?? "");
  const given = Buffer.from(match?.[1] ?? "");
  const wanted = Buffer.from(key);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
