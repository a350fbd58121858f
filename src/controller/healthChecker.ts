import { request } from "undici";

export type HealthResult =
  | { ok: true; ongoingRequests: number; queuedRequests: number }
  | { ok: false; status?: number; reason: string };

/** One `GET /health` against a replica, bounded by `timeoutMs` (health_check_timeout_s). Never throws. */
export async function checkReplicaHealth(baseUrl: string, timeoutMs: number): Promise<HealthResult> {
  try {
    const response = await request(`${baseUrl}/health`, {
      method: "GET",
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await response.body.text();
    const body = parseObject(text);
    if (response.statusCode !== 200) {
      const reason = typeof body?.["reason"] === "string" ? body["reason"] : `HTTP ${response.statusCode}`;
      return { ok: false, status: response.statusCode, reason };
    }
    return {
      ok: true,
      ongoingRequests: numberOr(body?.["ongoing_requests"], 0),
      queuedRequests: numberOr(body?.["queued_requests"], 0),
    };
  } catch (error) {
    const name = (error as Error).name;
    if (name === "TimeoutError" || name === "AbortError" || name === "HeadersTimeoutError") {
      return { ok: false, reason: `health check timed out after ${timeoutMs / 1000} s` };
    }
    return { ok: false, reason: `health check failed: ${(error as Error).message}` };
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}
