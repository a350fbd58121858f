import type { ControllerState } from "./ControllerState.js";
import { parseControllerState } from "./ControllerState.js";
import { parseJsonObject } from "./parseJsonObject.js";

/**
 * The controller's admin endpoint (127.0.0.1, bearer token from the 0600 state file), used by `run`, `status` and
 * `shutdown`: GET /status -> ControllerState, POST /apply AdminApplyRequest -> AdminApplyResponse,
 * POST /shutdown -> 202 {"stopping":true}.
 */
export const ADMIN_ROUTES = { status: "/status", apply: "/apply", shutdown: "/shutdown" } as const;

export interface AdminApplyRequest {
  readonly configPath: string;
}

/** Which applications an apply created, changed, left alone and removed (by name). */
export interface ApplySummary {
  created: string[];
  updated: string[];
  unchanged: string[];
  removed: string[];
}

export type AdminApplyResponse =
  | { readonly status: 200; readonly body: { readonly summary: ApplySummary } }
  | { readonly status: 400 | 409; readonly body: { readonly error: string } };

/** An admin error body: `{"error": message}`. */
export interface AdminErrorBody {
  readonly error: string;
}

export function parseAdminApplyRequest(text: string): AdminApplyRequest | AdminErrorBody {
  const record = parseJsonObject(text);
  if (record === undefined) return { error: "body must be JSON {configPath}" };
  const configPath = record["configPath"];
  return typeof configPath === "string" ? { configPath } : { error: "configPath must be a string" };
}

/** The apply answer as `run` reads it: the summary, or the controller's reason for refusing. */
export function parseAdminApplyResponse(status: number, text: string): { summary: ApplySummary } | AdminErrorBody {
  const record = parseJsonObject(text);
  if (status === 200 && record !== undefined) {
    const summary = parseJsonObject(JSON.stringify(record["summary"] ?? null));
    const names = (key: keyof ApplySummary): string[] =>
      Array.isArray(summary?.[key]) ? (summary[key] as unknown[]).filter((n): n is string => typeof n === "string") : [];
    return { summary: { created: names("created"), updated: names("updated"), unchanged: names("unchanged"), removed: names("removed") } };
  }
  return { error: typeof record?.["error"] === "string" ? record["error"] : text.trim() || `HTTP ${status}` };
}

/** The GET /status body, or undefined when it is not a controller state. */
export function parseAdminStatusResponse(status: number, text: string): ControllerState | undefined {
  return status === 200 ? parseControllerState(text) : undefined;
}
