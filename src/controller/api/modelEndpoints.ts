import type { ServerResponse } from "node:http";
import { modelNotFoundMessage } from "../../protocol/httpContract.js";
import type { RouteScope } from "../router.js";
import { sendOpenAIError } from "../sendOpenAIError.js";

/** `GET /v1/models` and `GET /v1/models/{id}` of the applications in `scope` (`path` with the route prefix removed). */
export function serveModels(res: ServerResponse, scope: RouteScope, createdAt: number): void {
  if (scope.path === "/v1/models") {
    const ids = [...new Set(scope.apps.flatMap((app) => app.modelIds))];
    return sendJson(res, 200, { object: "list", data: ids.map((id) => modelCard(id, createdAt)) });
  }
  const id = decodeURIComponent(scope.path.slice("/v1/models/".length));
  if (!scope.apps.some((app) => app.modelIds.includes(id))) {
    const served = scope.apps.flatMap((app) => app.modelIds);
    return sendOpenAIError(res, 404, modelNotFoundMessage(id, served), { code: "model_not_found", param: "model" });
  }
  sendJson(res, 200, modelCard(id, createdAt));
}

function modelCard(id: string, createdAt: number): Record<string, unknown> {
  return { id, object: "model", created: createdAt, owned_by: "llmserve" };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
