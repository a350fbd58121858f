import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { RequestAbortedError } from "../errors/RequestAbortedError.js";
import type { ReplicaRuntime } from "../ReplicaRuntime.js";
import { OpenAIHttpError } from "./OpenAIHttpError.js";
import { toOpenAIHttpError } from "./toOpenAIHttpError.js";
import type { RouteContext } from "./RouteContext.js";
import { anthropicErrorEnvelope, isAnthropicPath } from "../../protocol/anthropicErrorEnvelope.js";
import { chatCompletions } from "./routes/chatCompletions.js";
import { countTokens, messages } from "./routes/messages.js";
import { responses } from "./routes/responses.js";
import { completions } from "./routes/completions.js";
import { embeddings } from "./routes/embeddings.js";
import { health } from "./routes/health.js";
import { listModels, retrieveModel } from "./routes/models.js";
import { detokenize, tokenize } from "./routes/tokenize.js";
import { replicaTokenCheck } from "./replicaTokenCheck.js";
import { sendError, sendJson } from "./sendJson.js";

type Handler = (ctx: RouteContext) => Promise<void>;

const POST_ROUTES: Readonly<Record<string, Handler>> = {
  "/v1/chat/completions": chatCompletions,
  "/v1/completions": completions,
  "/v1/responses": responses,
  "/v1/messages": messages,
  "/v1/messages/count_tokens": countTokens,
  "/v1/embeddings": embeddings,
  "/tokenize": tokenize,
  "/detokenize": detokenize,
};
const GET_ROUTES: Readonly<Record<string, Handler>> = {
  "/health": health,
  "/v1/models": listModels,
};
const MODEL_PREFIX = "/v1/models/";

/** The replica's OpenAI-compatible HTTP server (node:http, no framework). Every error is an OpenAI error body. */
export function createReplicaServer(runtime: ReplicaRuntime, log: (line: string) => void, accessToken?: string): Server {
  const isAllowed = accessToken === undefined ? () => true : replicaTokenCheck(accessToken);
  const server = createServer((req, res) => {
    if (!isAllowed(req)) {
      sendError(res, new OpenAIHttpError(401, `this replica serves only the llmserve controller that started it; send requests to the controller's address`, {
        type: "authentication_error",
        code: "replica_token_required",
        headers: { connection: "close" },
      }));
      return;
    }
    void handle(req, res, runtime, log);
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, runtime: ReplicaRuntime, log: (line: string) => void): Promise<void> {
  const url = new URL(req.url ?? "/", "http://replica.invalid");
  const ctx: RouteContext = { req, res, url, runtime, log };
  try {
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
    const method = req.method ?? "GET";
    const post = POST_ROUTES[path];
    const get = GET_ROUTES[path];
    if (method === "POST" && post !== undefined) {
      if (runtime.phase.phase === "stopping") {
        throw new OpenAIHttpError(503, "the replica is shutting down", { code: "shutting_down", headers: { connection: "close" } });
      }
      await post(ctx);
    } else if (method === "GET" && get !== undefined) {
      await get(ctx);
    } else if (method === "GET" && path.startsWith(MODEL_PREFIX)) {
      await retrieveModel(ctx, decodeURIComponent(path.slice(MODEL_PREFIX.length)));
    } else if (post !== undefined || get !== undefined) {
      throw new OpenAIHttpError(405, `${method} is not allowed on ${path}; use ${post !== undefined ? "POST" : "GET"}`, {
        code: "method_not_allowed",
        headers: { allow: post !== undefined ? "POST" : "GET" },
      });
    } else {
      throw new OpenAIHttpError(404, `no route ${method} ${path}`, { code: "not_found" });
    }
  } catch (error) {
    if (error instanceof RequestAbortedError) {
      if (!res.writableEnded) res.destroy();
      return;
    }
    const httpError = toHttpError(error, log);
    if (isAnthropicPath(url.pathname.replace(/\/+$/, "")) && !res.headersSent) {
      const { status, message, headers } =
        httpError instanceof OpenAIHttpError ? httpError : { status: 500, message: `internal error: ${String((httpError as Error).message ?? httpError)}`, headers: {} };
      sendJson(res, status, anthropicErrorEnvelope(status, message), { ...headers });
      return;
    }
    sendError(res, httpError);
  }
}

function toHttpError(error: unknown, log: (line: string) => void): unknown {
  const mapped = toOpenAIHttpError(error);
  if (mapped instanceof OpenAIHttpError) return mapped;
  log(`request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return error;
}
