import { modelNotFoundMessage } from "../protocol/httpContract.js";
/** The routing table: which applications are exposed under which prefix, with which model ids. */
export interface RouteApp {
  name: string;
  /** null: not exposed over HTTP. */
  routePrefix: string | null;
  modelIds: readonly string[];
}

export interface RouteScope {
  /** Applications the request may reach. */
  apps: RouteApp[];
  /** The path with the matched route_prefix removed (always starts with "/"). */
  path: string;
}

/**
 * Longest-prefix match over the applications' route_prefix, like Ray. A non-root prefix scopes the request to that
 * application; everything else (including an app at "/") sees every exposed application, so `/v1/models` lists
 * every model and `model` picks among all of them.
 */
export function matchRoute(apps: readonly RouteApp[], path: string): RouteScope {
  const exposed = apps.filter((app) => app.routePrefix !== null);
  let best: RouteApp | undefined;
  for (const app of exposed) {
    const prefix = app.routePrefix!;
    if (prefix === "/") continue;
    if ((path === prefix || path.startsWith(`${prefix}/`)) && prefix.length > (best?.routePrefix?.length ?? 0)) {
      best = app;
    }
  }
  if (best !== undefined) return { apps: [best], path: path.slice(best.routePrefix!.length) || "/" };
  return { apps: exposed, path };
}

export type ModelResolution =
  | { ok: true; app: RouteApp; modelId: string }
  | { ok: false; status: 400 | 404; message: string; code: string; param: string | null };

/**
 * Picks the model a request is for: `model` missing with one model serves that one; missing with several is a 400;
 * an unknown id is a 404 listing the known ones. A model id served by several applications resolves to the one at
 * "/" (else the first listed).
 */
export function resolveModel(scope: RouteScope, requested: unknown): ModelResolution {
  const known = scope.apps.flatMap((app) => app.modelIds.map((modelId) => ({ app, modelId })));
  const ids = [...new Set(known.map((entry) => entry.modelId))];
  if (requested === undefined || requested === null || requested === "") {
    if (known.length === 1) return { ok: true, ...known[0]! };
    if (known.length === 0) {
      return { ok: false, status: 404, message: "No models are served here.", code: "model_not_found", param: "model" };
    }
    return {
      ok: false,
      status: 400,
      message: `The 'model' field is required when several models are served. Available models: ${ids.join(", ")}.`,
      code: "model_required",
      param: "model",
    };
  }
  if (typeof requested !== "string") {
    return { ok: false, status: 400, message: "The 'model' field must be a string.", code: "invalid_type", param: "model" };
  }
  const matches = known.filter((entry) => entry.modelId === requested);
  const match = matches.find((entry) => entry.app.routePrefix === "/") ?? matches[0];
  if (match === undefined) {
    return {
      ok: false,
      status: 404,
      message: modelNotFoundMessage(requested, ids),
      code: "model_not_found",
      param: "model",
    };
  }
  return { ok: true, ...match };
}
