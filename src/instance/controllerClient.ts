import {
  ADMIN_ROUTES,
  parseAdminApplyResponse,
  parseAdminStatusResponse,
  type AdminApplyRequest,
  type AdminErrorBody,
  type ApplySummary,
} from "../protocol/adminApi.js";
import type { ControllerRecord, ControllerState } from "../protocol/ControllerState.js";
import { ADMIN_REQUEST_TIMEOUT_MS } from "./timeouts.js";

/** One call to the controller's admin endpoint: status and body text; throws when it cannot be reached. */
async function adminRequest(controller: ControllerRecord, method: "GET" | "POST", path: string, body?: AdminApplyRequest,
  timeoutMs = ADMIN_REQUEST_TIMEOUT_MS): Promise<{ status: number; text: string }> {
  // Node's built-in fetch, not the undici package: importing that cost every `run`/`status`/`shutdown` ~120 ms.
  const response = await fetch(`http://127.0.0.1:${controller.adminPort}${path}`, {
    method,
    headers: { authorization: `Bearer ${controller.adminToken}`, "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, text: await response.text() };
}

/** The controller's live state (memory filled), or undefined when it does not answer. */
export async function fetchLiveState(controller: ControllerRecord): Promise<ControllerState | undefined> {
  try {
    const { status, text } = await adminRequest(controller, "GET", ADMIN_ROUTES.status);
    return parseAdminStatusResponse(status, text);
  } catch {
    return undefined;
  }
}

/** Asks the controller to deploy `configPath`; throws when it cannot be reached within `timeoutMs`. */
export async function applyConfig(controller: ControllerRecord, configPath: string, timeoutMs: number):
  Promise<{ summary: ApplySummary } | AdminErrorBody> {
  const { status, text } = await adminRequest(controller, "POST", ADMIN_ROUTES.apply, { configPath }, timeoutMs);
  return parseAdminApplyResponse(status, text);
}

/** Asks the controller to shut down; true when it accepted (202), false when it refused or cannot be reached. */
export async function requestShutdown(controller: ControllerRecord): Promise<boolean> {
  try {
    return (await adminRequest(controller, "POST", ADMIN_ROUTES.shutdown)).status === 202;
  } catch {
    return false;
  }
}
