import type { RouteContext } from "../RouteContext.js";
import { sendJson } from "../sendJson.js";

/**
 * `GET /health`: 200 `{"status":"ok","ongoing_requests":N,"queued_requests":N}` when ready (the controller reads
 * these counts); 503 with the phase and a reason while downloading, loading, failed or stopping.
 */
export async function health(ctx: RouteContext): Promise<void> {
  const { runtime } = ctx;
  const { phase } = runtime;
  if (phase.phase === "ready" && runtime.engine !== undefined) {
    sendJson(ctx.res, 200, {
      status: "ok",
      ongoing_requests: runtime.engine.pool.ongoing,
      queued_requests: runtime.engine.pool.queued,
    });
    return;
  }
  const body: Record<string, unknown> = { status: phase.phase };
  switch (phase.phase) {
    case "starting":
      body["reason"] = "the replica is starting";
      break;
    case "building":
      body["reason"] = `building ${phase.what} (first start)`;
      break;
    case "downloading":
      body["reason"] = `downloading the model (${phase.downloadedBytes} of ${phase.totalBytes ?? "unknown"} bytes)`;
      body["downloaded_bytes"] = phase.downloadedBytes;
      body["total_bytes"] = phase.totalBytes ?? null;
      break;
    case "loading":
      body["reason"] = `loading the model (${Math.round(phase.fraction * 100)}%)`;
      body["fraction"] = phase.fraction;
      break;
    case "failed":
      body["reason"] = phase.reason;
      break;
    default:
      body["reason"] = "the replica is shutting down";
  }
  sendJson(ctx.res, 503, body, { "retry-after": "1" });
}
