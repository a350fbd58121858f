import { request } from "undici";
import type { ControllerRecord, ControllerState } from "./ControllerState.js";
import { ADMIN_REQUEST_TIMEOUT_MS } from "./timeouts.js";

export interface AdminResponse {
  status: number;
  body: Record<string, unknown>;
}

/** One call to the controller's admin endpoint; throws when it cannot be reached. */
export async function adminRequest(controller: ControllerRecord, method: "GET" | "POST", path: string,
  body?: unknown, timeoutMs = ADMIN_REQUEST_TIMEOUT_MS): Promise<AdminResponse> {
  const response = await request(`http://127.0.0.1:${controller.adminPort}${path}`, {
    method,
    headers: { authorization: `Bearer ${controller.adminToken}`, "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.body.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { error: text };
  }
  return { status: response.statusCode, body: parsed };
}

/** The controller's live state (memory filled), or undefined when it does not answer. */
export async function fetchLiveState(controller: ControllerRecord): Promise<ControllerState | undefined> {
  try {
    const response = await adminRequest(controller, "GET", "/status");
    return response.status === 200 ? (response.body as unknown as ControllerState) : undefined;
  } catch {
    return undefined;
  }
}
