import type { IncomingMessage, ServerResponse } from "node:http";
import type { Deployment } from "../deployment.js";
import { NoReplicaAvailableError } from "../errors/NoReplicaAvailableError.js";
import { ReplicaUnreachableError } from "../errors/ReplicaUnreachableError.js";
import type { RequestObservation } from "../metrics/RequestObservation.js";
import { proxyToReplica } from "../proxy.js";
import { sendOpenAIError } from "../sendOpenAIError.js";
import { type ApiContext, RETRY_AFTER } from "./ApiServerOptions.js";

/**
 * Proxies one request to a replica of `deployment`: leased at once when one has room (no promise, no signal),
 * else queued. A replica that died a moment ago refuses the connection; such a request never reached it and is
 * retried on another, up to three times.
 */
export async function forwardToDeployment(api: ApiContext, req: IncomingMessage, res: ServerResponse, body: Buffer,
  deployment: Deployment, path: string, observation: RequestObservation): Promise<void> {
  const { options } = api;
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
      observation.dispatched(lease.resource);
      await proxyToReplica({ req, res, body, baseUrl, path, dispatcher: api.dispatcher, headersTimeoutMs: options.requestTimeoutMs,
        tap: observation, replicaToken: options.replicaToken });
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
}

/** Queues the request until a replica has room; undefined once answered (503) or the client is gone. */
async function waitForReplica(res: ServerResponse, deployment: Deployment, observation: RequestObservation) {
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
}
