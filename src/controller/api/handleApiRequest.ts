import type { IncomingMessage, ServerResponse } from "node:http";
import { isAnthropicPath } from "../../protocol/anthropicErrorEnvelope.js";
import { decodeJsonBody } from "../../protocol/decodeJsonBody.js";
import { bodyTooLargeMessage, MAX_REQUEST_BODY_BYTES } from "../../protocol/httpContract.js";
import { CONSOLE_API_PREFIX, CONSOLE_PREFIX } from "../console/consoleRoutes.js";
import { corsDecision } from "../corsPolicy.js";
import { matchRoute, resolveModel, type RouteScope } from "../router.js";
import { sendOpenAIError, useAnthropicErrors } from "../sendOpenAIError.js";
import { withLastKey } from "../withLastKey.js";
import type { ApiContext, Observed } from "./ApiServerOptions.js";
import { apiKeyMatches } from "./apiKeyMatches.js";
import { forwardToDeployment } from "./forwardToDeployment.js";
import { serveModels } from "./modelEndpoints.js";
import { readRequestBody } from "./readRequestBody.js";

/** Routes by body `model` need the body; these are the POST endpoints proxied to replicas. */
const MODEL_ENDPOINTS = new Set([
  "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses", "/v1/messages", "/v1/messages/count_tokens",
  "/tokenize", "/detokenize",
]);

/**
 * The route table, in the order it is checked: shutting down, CORS, health (no key needed), the API key, metrics,
 * models, the proxied endpoints; whatever is left goes to the console or is a 404. Not async itself: it returns the
 * promise of the handler that needs one, so the proxied path pays for no extra async frame. May throw.
 */
export function handleApiRequest(api: ApiContext, req: IncomingMessage, res: ServerResponse, seen: Observed): Promise<void> | void {
  const { options } = api;
  const url = new URL(req.url ?? "/", "http://controller");
  if (api.draining()) return refuseWhileDraining(res, seen);
  if (req.headers.origin !== undefined && answeredByCors(api, req, res)) return;
  if (url.pathname === "/health" || url.pathname === "/-/healthz") return answerHealth(res, seen, url.pathname);
  const scope = matchRoute(options.table.routes(), url.pathname);
  const anthropic = isAnthropicPath(scope.path);
  if (anthropic) useAnthropicErrors(res);
  if (options.apiKey !== undefined && !apiKeyMatches(req, options.apiKey, anthropic)) return refuseWithoutKey(api, req, res, url, anthropic);
  if (url.pathname === "/metrics") return serveMetrics(api, req, res, seen);
  const models = scope.path === "/v1/models" || scope.path.startsWith("/v1/models/");
  if (models) seen.route = "/v1/models";
  if (models && req.method === "GET") return serveModels(res, scope, api.createdAt);
  if (MODEL_ENDPOINTS.has(scope.path)) return serveModelRequest(api, req, res, url, scope, seen);
  seen.route = "unmatched";
  return serveUnmatched(api, req, res, url);
}

function refuseWhileDraining(res: ServerResponse, seen: Observed): void {
  seen.observation.errorCode = "shutting_down";
  res.setHeader("connection", "close");
  sendOpenAIError(res, 503, "llmserve is shutting down.", { code: "shutting_down" });
}

/** Applies http_options.cors to a request with an Origin; true when that already answered it (refusal, preflight). */
function answeredByCors(api: ApiContext, req: IncomingMessage, res: ServerResponse): boolean {
  const cors = corsDecision(api.options.cors, req.method, req.headers);
  if (cors.kind === "refused") {
    sendOpenAIError(res, 403, cors.message, { code: "cors_origin_not_allowed" });
    return true;
  }
  if (cors.kind === "preflight") {
    res.writeHead(204, cors.headers);
    res.end();
    return true;
  }
  if (cors.headers !== undefined) for (const [name, value] of Object.entries(cors.headers)) res.setHeader(name, value!);
  return false;
}

function answerHealth(res: ServerResponse, seen: Observed, pathname: string): void {
  seen.route = pathname;
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ status: "ok" }));
}

function refuseWithoutKey(api: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, anthropic: boolean): void {
  // The console's page and files are public (the page asks for the key); its API is not.
  const consoleRoutes = api.options.console;
  if (consoleRoutes !== undefined && isConsoleAsset(url.pathname)) return consoleRoutes.serveAsset(req, res, url.pathname);
  sendOpenAIError(res, 401, `Missing or wrong API key: send \`${anthropic ? "x-api-key: <key>" : "Authorization: Bearer <key>"}\`.`, {
    type: "authentication_error",
    code: "invalid_api_key",
  });
}

async function serveMetrics(api: ApiContext, req: IncomingMessage, res: ServerResponse, seen: Observed): Promise<void> {
  seen.route = "/metrics";
  if (req.method !== "GET") return sendOpenAIError(res, 405, "/metrics takes GET.", { code: "method_not_allowed" });
  const { contentType, text } = await api.options.metrics();
  res.writeHead(200, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** A POST to a proxied endpoint: the body's `model` picks the deployment, which gets the request. */
async function serveModelRequest(api: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, scope: RouteScope,
  seen: Observed): Promise<void> {
  seen.route = scope.path;
  if (req.method !== "POST") return sendOpenAIError(res, 405, `${url.pathname} takes POST.`, { code: "method_not_allowed" });
  const body = await readRequestBody(req);
  if (body === undefined) return sendOpenAIError(res, 413, bodyTooLargeMessage(MAX_REQUEST_BODY_BYTES), { code: "request_too_large" });
  const decoded = decodeJsonBody(body, req.headers["content-type"]);
  if (!decoded.ok) return sendOpenAIError(res, 400, decoded.message, { code: decoded.code });
  const model = decoded.value["model"];
  const resolved = resolveModel(scope, model);
  if (!resolved.ok) return sendOpenAIError(res, resolved.status, resolved.message, { code: resolved.code, param: resolved.param });
  seen.observation.model = resolved.modelId;
  seen.observation.application = resolved.app.name;
  const deployment = api.options.table.deployment(resolved.app.name, resolved.modelId);
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
  await forwardToDeployment(api, req, res, forwarded, deployment, `${scope.path}${url.search}`, seen.observation);
}

/** Only requests that missed every API route get here: the console costs the proxy path nothing. */
function serveUnmatched(api: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const consoleRoutes = api.options.console;
  if (consoleRoutes !== undefined && url.pathname.startsWith(CONSOLE_API_PREFIX)) return consoleRoutes.serveApi(req, res, url);
  if (consoleRoutes !== undefined && isConsoleAsset(url.pathname)) return consoleRoutes.serveAsset(req, res, url.pathname);
  sendOpenAIError(res, 404, `No route for ${req.method} ${url.pathname}.`, { code: "not_found" });
}

function isConsoleAsset(pathname: string): boolean {
  return pathname === CONSOLE_PREFIX || (pathname.startsWith(`${CONSOLE_PREFIX}/`) && !pathname.startsWith(CONSOLE_API_PREFIX));
}
