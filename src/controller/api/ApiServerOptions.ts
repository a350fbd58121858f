import type { Agent } from "undici";
import type { ResolvedCorsOptions } from "../../config/ResolvedConfig.js";
import type { ConsoleRoutes } from "../console/consoleRoutes.js";
import type { Deployment } from "../deployment.js";
import type { RequestObservation } from "../metrics/RequestObservation.js";
import type { RequestRecord } from "../metrics/RequestRecord.js";
import type { RouteApp } from "../router.js";

/** What the API server reads from the controller at every request. */
export interface ServingTable {
  routes: () => RouteApp[];
  deployment: (appName: string, modelId: string) => Deployment | undefined;
}

export interface ApiServerOptions {
  table: ServingTable;
  requestTimeoutMs: number | undefined;
  /** Sent to the replicas with every request (they refuse requests without it). */
  replicaToken: string | undefined;
  keepAliveTimeoutMs: number;
  /** When set, every request but /health must send `Authorization: Bearer <apiKey>` (or `x-api-key` on /v1/messages). */
  apiKey: string | undefined;
  /** http_options.cors; undefined = same-origin only. */
  cors: ResolvedCorsOptions | undefined;
  /** The web console under /ui; undefined = none. */
  console: ConsoleRoutes | undefined;
  log: (message: string) => void;
  /** Every finished request (metrics, access log); the deployment it went to, when it reached one. */
  finished: (record: RequestRecord, deployment: Deployment | undefined) => void;
  /** `GET /metrics`: the Prometheus exposition. */
  metrics: () => Promise<{ contentType: string; text: string }>;
}

/** What every handler of one API server shares (made once per server, not per request). */
export interface ApiContext {
  readonly options: ApiServerOptions;
  /** The connection pool to the replicas. */
  readonly dispatcher: Agent;
  /** `created` of the model cards: when the server was made. */
  readonly createdAt: number;
  readonly draining: () => boolean;
}

/** Per request: the observation and what routing learnt (the metrics' route label is never a raw client path). */
export interface Observed {
  observation: RequestObservation;
  route: string;
  deployment: Deployment | undefined;
}

/** A full queue or no reachable replica is over in about this long: clients may retry then (RFC 9110 10.2.3). */
export const RETRY_AFTER = { "retry-after": "1" } as const;
