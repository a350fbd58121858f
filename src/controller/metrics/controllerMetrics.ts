import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ControllerState } from "../../protocol/ControllerState.js";
import { BatchHistogram } from "./BatchHistogram.js";
import type { RequestRecord } from "./RequestRecord.js";

/** A served model as the metrics see it (from the last applied spec). */
export interface MetricsModel {
  application: string;
  deployment: string;
  modelId: string;
  /** Parallel sequences per replica: the denominator of vllm:kv_cache_usage_perc. */
  sequences: number;
  /** llm_config.log_engine_metrics: false drops this model's vllm:* series. */
  engineMetrics: boolean;
}

export interface ControllerMetricsSource {
  models: () => readonly MetricsModel[];
  state: () => ControllerState | undefined;
}

export interface ControllerMetrics {
  observe: (record: RequestRecord) => void;
  autoscaled: (application: string, deployment: string, from: number, to: number) => void;
  render: () => Promise<string>;
  contentType: string;
}

// vLLM's buckets (vllm/v1/metrics/loggers.py), so dashboards' histogram_quantile reads the same.
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];
const REQUEST_BUCKETS = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680];
const TOKEN_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];
const LATENCY_MS_BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000, 300000, 600000];

/**
 * The controller owns every series: counters and histograms grow from the requests it proxied (a replica that
 * restarts takes nothing with it), gauges are read from the live state at each scrape.
 * Long but flat, on purpose: one declaration per series, in the order of the exposition, and one `observe`; the
 * series share the registry and the state readers, and nothing here branches on more than one series.
 */
export function createControllerMetrics(source: ControllerMetricsSource): ControllerMetrics {
  const registry = new Registry();
  const registers = [registry];
  const engine = ["model_name"] as const;
  const engineOf = (modelId: string): MetricsModel | undefined =>
    source.models().find((m) => m.modelId === modelId && m.engineMetrics);

  const running = new Gauge({
    name: "vllm:num_requests_running", help: "Number of requests in model execution batches.", labelNames: engine, registers,
    collect() {
      this.reset();
      for (const [model, load] of loadByModel()) running.set({ model_name: model }, load.running);
    },
  });
  const waiting = new Gauge({
    name: "vllm:num_requests_waiting", help: "Number of requests waiting to be processed.", labelNames: engine, registers,
    collect() {
      this.reset();
      for (const [model, load] of loadByModel()) waiting.set({ model_name: model }, load.waiting);
    },
  });
  const kvUsage = new Gauge({
    name: "vllm:kv_cache_usage_perc", help: "KV-cache usage. 1 means 100 percent usage (busy sequences / sequences of ready replicas).",
    labelNames: engine, registers,
    collect() {
      this.reset();
      for (const [model, load] of loadByModel()) kvUsage.set({ model_name: model }, load.capacity > 0 ? load.busy / load.capacity : 0);
    },
  });
  const promptTokens = new Counter({ name: "vllm:prompt_tokens_total", help: "Number of prefill tokens processed.", labelNames: engine, registers });
  const generationTokens = new Counter({ name: "vllm:generation_tokens_total", help: "Number of generation tokens processed.", labelNames: engine, registers });
  const reasoningTokens = new Counter({
    name: "llmserve:reasoning_tokens_total", help: "Generation tokens that were reasoning (usage.completion_tokens_details.reasoning_tokens).",
    labelNames: engine, registers,
  });
  const success = new Counter({
    name: "vllm:request_success_total", help: "Count of successfully processed requests.", labelNames: ["model_name", "finished_reason"], registers,
  });
  const ttft = new Histogram({ name: "vllm:time_to_first_token_seconds", help: "Histogram of time to first token in seconds.", labelNames: engine, buckets: TTFT_BUCKETS, registers });
  const itl = new BatchHistogram("vllm:inter_token_latency_seconds",
    "Histogram of inter-token latency in seconds (each request's mean gap, once per gap).", ITL_BUCKETS, registry);
  const e2e = new Histogram({ name: "vllm:e2e_request_latency_seconds", help: "Histogram of e2e request latency in seconds.", labelNames: engine, buckets: REQUEST_BUCKETS, registers });
  const queueTime = new Histogram({
    name: "vllm:request_queue_time_seconds", help: "Histogram of time spent waiting (controller queue + replica queue) in seconds.",
    labelNames: engine, buckets: REQUEST_BUCKETS, registers,
  });
  const promptHist = new Histogram({ name: "vllm:request_prompt_tokens", help: "Number of prefill tokens processed.", labelNames: engine, buckets: TOKEN_BUCKETS, registers });
  const generationHist = new Histogram({ name: "vllm:request_generation_tokens", help: "Number of generation tokens processed.", labelNames: engine, buckets: TOKEN_BUCKETS, registers });

  const serveLabels = ["application", "deployment"] as const;
  const httpRequests = new Counter({
    name: "ray_serve_num_http_requests_total", help: "The number of HTTP requests processed.", labelNames: ["route", "method", "application", "status_code"], registers,
  });
  const httpErrors = new Counter({
    name: "ray_serve_num_http_error_requests_total", help: "The number of non-2xx HTTP responses.", labelNames: ["route", "method", "application", "error_code"], registers,
  });
  const httpLatency = new Histogram({
    name: "ray_serve_http_request_latency_ms", help: "The end-to-end latency of HTTP requests (measured from the Serve HTTP proxy).",
    labelNames: ["route", "method", "application", "status_code"], buckets: LATENCY_MS_BUCKETS, registers,
  });
  const routerRequests = new Counter({
    name: "ray_serve_num_router_requests_total", help: "The number of requests routed to a deployment.", labelNames: serveLabels, registers,
  });
  const rejected = new Counter({
    name: "llmserve:rejected_requests_total", help: "Requests the controller answered 503 itself (queue_full, queue_timeout, replica_unreachable).",
    labelNames: [...serveLabels, "code"], registers,
  });
  const autoscaling = new Counter({
    name: "llmserve:autoscaling_decisions_total", help: "Target replica count changes decided by the autoscaler.", labelNames: [...serveLabels, "direction"], registers,
  });
  const restartsSeen = new Map<string, number>();
  new Counter({
    name: "llmserve:replica_restarts_total", help: "Replica restarts after a crash or failed health check.", labelNames: serveLabels, registers,
    collect() {
      forEachDeployment((application, deployment, d) => {
        this.inc({ application, deployment }, 0);
        for (const r of d.replicas) {
          // Each restart counted once; a replica slot that disappears keeps what it added.
          const key = `${application}\0${deployment}\0${r.id}`;
          const seen = restartsSeen.get(key) ?? 0;
          if (r.restarts > seen) this.inc({ application, deployment }, r.restarts - seen);
          restartsSeen.set(key, Math.max(r.restarts, seen));
        }
      });
    },
  });
  new Gauge({
    name: "llmserve:replicas", help: "Replicas per deployment by Ray replica state.", labelNames: [...serveLabels, "state"], registers,
    collect() {
      this.reset();
      forEachDeployment((application, deployment, d) => {
        const counts = new Map<string, number>();
        for (const r of d.replicas) counts.set(rayState(r.lifecycle), (counts.get(rayState(r.lifecycle)) ?? 0) + 1);
        for (const state of ["STARTING", "RUNNING", "STOPPING", "FAILED"]) this.set({ application, deployment, state }, counts.get(state) ?? 0);
      });
    },
  });
  new Gauge({
    name: "ray_serve_deployment_queued_queries", help: "The current number of queries to this deployment waiting to be assigned to a replica.",
    labelNames: serveLabels, registers,
    collect() {
      this.reset();
      forEachDeployment((application, deployment, d) => this.set({ application, deployment }, d.queuedRequests));
    },
  });
  new Gauge({
    name: "ray_serve_num_ongoing_requests", help: "Requests in flight on the deployment's replicas.", labelNames: serveLabels, registers,
    collect() {
      this.reset();
      forEachDeployment((application, deployment, d) =>
        this.set({ application, deployment }, d.replicas.reduce((sum, r) => sum + r.ongoingRequests, 0)));
    },
  });
  new Gauge({
    name: "ray_serve_deployment_replica_healthy", help: "Tracks whether this deployment replica is healthy. 1 means healthy, 0 unhealthy.",
    labelNames: [...serveLabels, "replica"], registers,
    collect() {
      this.reset();
      forEachDeployment((application, deployment, d) => {
        for (const r of d.replicas) this.set({ application, deployment, replica: r.id }, r.lifecycle === "ready" ? 1 : 0);
      });
    },
  });
  new Gauge({
    name: "ray_serve_autoscaling_target_replicas", help: "The target number of replicas of the deployment.", labelNames: serveLabels, registers,
    collect() {
      this.reset();
      forEachDeployment((application, deployment, d) => this.set({ application, deployment }, d.targetReplicas));
    },
  });

  function forEachDeployment(visit: (application: string, deployment: string, d: ControllerState["applications"][number]["deployments"][number]) => void): void {
    for (const app of source.state()?.applications ?? []) for (const d of app.deployments) visit(app.name, d.name, d);
  }

  function loadByModel(): Map<string, { running: number; waiting: number; busy: number; capacity: number }> {
    const out = new Map<string, { running: number; waiting: number; busy: number; capacity: number }>();
    const models = source.models();
    forEachDeployment((application, deployment, d) => {
      const model = models.find((m) => m.application === application && m.deployment === deployment);
      if (model === undefined || !model.engineMetrics) return;
      const load = out.get(model.modelId) ?? { running: 0, waiting: 0, busy: 0, capacity: 0 };
      load.waiting += d.queuedRequests;
      for (const r of d.replicas) {
        load.running += r.ongoingRequests;
        if (r.lifecycle !== "ready") continue;
        load.busy += Math.min(r.ongoingRequests, model.sequences);
        load.capacity += model.sequences;
      }
      out.set(model.modelId, load);
    });
    return out;
  }

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    autoscaled: (application, deployment, from, to) => {
      autoscaling.inc({ application, deployment, direction: to > from ? "up" : "down" });
    },
    observe: (record) => {
      const route = record.route;
      const status = String(record.status);
      const application = record.application ?? "";
      httpRequests.inc({ route, method: record.method, application, status_code: status });
      httpLatency.observe({ route, method: record.method, application, status_code: status }, record.totalMs);
      if (record.status >= 400) httpErrors.inc({ route, method: record.method, application, error_code: status });
      if (record.deployment === undefined || record.model === undefined) return;
      const serve = { application, deployment: record.deployment };
      routerRequests.inc(serve);
      if (record.status === 503 && record.errorCode !== undefined) rejected.inc({ ...serve, code: record.errorCode });
      const facts = record.facts;
      if (facts === undefined || engineOf(record.model) === undefined) return;
      const labels = { model_name: record.model };
      promptTokens.inc(labels, facts.promptTokens);
      generationTokens.inc(labels, facts.completionTokens);
      reasoningTokens.inc(labels, facts.reasoningTokens);
      success.inc({ model_name: record.model, finished_reason: record.aborted ? "abort" : (facts.finishReason ?? "stop") });
      e2e.observe(labels, record.totalMs / 1000);
      queueTime.observe(labels, (record.queueMs + (facts.replicaQueueMs ?? 0)) / 1000);
      promptHist.observe(labels, facts.promptTokens);
      generationHist.observe(labels, facts.completionTokens);
      if (record.ttftMs !== undefined) ttft.observe(labels, record.ttftMs / 1000);
      const gaps = facts.completionTokens - 1;
      // One observation per gap, as vLLM counts.
      if (facts.predictedMs !== undefined && gaps > 0) itl.observeMany(labels, facts.predictedMs / gaps / 1000, gaps);
    },
  };
}

function rayState(lifecycle: string): string {
  if (lifecycle === "ready") return "RUNNING";
  if (lifecycle === "stopping" || lifecycle === "stopped") return "STOPPING";
  if (lifecycle === "failed") return "FAILED";
  return "STARTING";
}
