import { apiFetch, apiJson } from "./api.js";
import { createChart, formatNumber } from "./chart.js";
import { el, formatBytes } from "./dom.js";

/** Polls /ui/api/status (and /metrics, when served) and renders applications, deployments and replicas. */
export function startStatus({ onConnection }) {
  const appsNode = document.getElementById("apps");
  const decisionsNode = document.getElementById("decisions");
  const tpsChart = createChart(document.getElementById("chart-tps"), { color: "#1f8a4c" });
  const queueChart = createChart(document.getElementById("chart-queue"), { color: "#b7791f" });
  const lastTargets = new Map();
  let refreshMs = 1000;
  let metrics = { available: true, previous: undefined };

  const poll = async () => {
    try {
      const state = await apiJson("/ui/api/status");
      refreshMs = state.console?.refreshMs ?? refreshMs;
      render(appsNode, state);
      noteDecisions(decisionsNode, state, lastTargets);
      queueChart.push(queueLength(state));
      document.getElementById("queue-now").textContent = `now ${queueLength(state)}`;
      await sampleTokensPerSecond(metrics, tpsChart);
      onConnection(undefined);
    } catch (error) {
      onConnection(error);
    }
    setTimeout(poll, refreshMs);
  };
  void poll();
}

function queueLength(state) {
  let total = 0;
  for (const app of state.applications) {
    for (const deployment of app.deployments) {
      total += deployment.queuedRequests;
      for (const replica of deployment.replicas) total += replica.ongoingRequests;
    }
  }
  return total;
}

/** Prometheus text: the sum of every sample of one metric family. */
export function sumMetric(text, name) {
  let total = 0;
  let found = false;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== " " && rest[0] !== "{") continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) {
      total += value;
      found = true;
    }
  }
  return found ? total : undefined;
}

async function sampleTokensPerSecond(metrics, chart) {
  const label = document.getElementById("tps-now");
  if (!metrics.available) return;
  const response = await apiFetch("/metrics");
  if (!response.ok) {
    metrics.available = false;
    label.textContent = "(needs the /metrics endpoint)";
    return;
  }
  // A counter with labels has no series until its first observation: nothing generated yet.
  const tokens = sumMetric(await response.text(), "vllm:generation_tokens_total") ?? 0;
  const now = performance.now();
  if (metrics.previous !== undefined) {
    const rate = Math.max(0, tokens - metrics.previous.tokens) / ((now - metrics.previous.at) / 1000);
    chart.push(rate);
    label.textContent = `now ${formatNumber(rate)}`;
  }
  metrics.previous = { tokens, at: now };
}

function noteDecisions(node, state, lastTargets) {
  for (const app of state.applications) {
    for (const deployment of app.deployments) {
      const key = `${app.name}/${deployment.modelId}`;
      const before = lastTargets.get(key);
      lastTargets.set(key, deployment.targetReplicas);
      if (before === undefined || before === deployment.targetReplicas) continue;
      const text = deployment.statusTrigger === "AUTOSCALING" && deployment.message !== ""
        ? deployment.message
        : `Target changed from ${before} to ${deployment.targetReplicas} replicas.`;
      if (node.firstElementChild?.classList.contains("muted")) node.replaceChildren();
      node.prepend(el("li", {}, `${new Date().toLocaleTimeString()} ${key}: ${text}`));
      while (node.children.length > 20) node.lastElementChild.remove();
    }
  }
}

function render(node, state) {
  if (state.applications.length === 0) {
    node.replaceChildren(el("p", { className: "muted" }, "No applications."));
    return;
  }
  node.replaceChildren(...state.applications.map((app) =>
    el("div", { className: "app" },
      el("h2", {}, app.name, " ", el("span", { className: `badge ${app.status}`, dataset: { appStatus: app.status } }, app.status),
        " ", el("span", { className: "muted" }, app.routePrefix === null ? "not exposed over HTTP" : `route ${app.routePrefix}`)),
      app.message !== "" ? el("div", { className: "error" }, app.message) : null,
      ...app.deployments.map(renderDeployment),
    )));
}

function renderDeployment(deployment) {
  const running = deployment.replicas.filter((replica) => replica.lifecycle === "ready").length;
  return el("div", { className: "deployment" },
    el("h3", {}, deployment.modelId, " ", el("span", { className: `badge ${deployment.status}` }, deployment.status),
      " ", el("span", { className: "muted" },
        `${running}/${deployment.targetReplicas} replicas ready · ${deployment.queuedRequests} queued · ${deployment.name}`)),
    deployment.message !== "" ? el("div", { className: "muted" }, deployment.message) : null,
    el("table", {},
      el("thead", {}, el("tr", {}, ...["Replica", "State", "PID", "GPU", "Memory", "Ongoing", "Restarts", "Progress", "Up", "Last error"]
        .map((title) => el("th", {}, title)))),
      el("tbody", {}, ...deployment.replicas.map(renderReplica))));
}

function renderReplica(replica) {
  return el("tr", { dataset: { replicaId: replica.id, lifecycle: replica.lifecycle, pid: String(replica.pid), restarts: String(replica.restarts) } },
    el("td", {}, replica.id),
    el("td", {}, el("span", { className: `badge ${replica.lifecycle}` }, rayState(replica.lifecycle)),
      replica.pendingReason ? el("div", { className: "muted" }, replica.pendingReason) : null),
    el("td", {}, replica.pid === 0 ? "" : replica.pid),
    el("td", {}, replica.gpus.length === 0 ? "CPU" : replica.gpus.join(", ")),
    el("td", {}, formatBytes(replica.memoryBytes)),
    el("td", {}, replica.ongoingRequests),
    el("td", {}, replica.restarts),
    el("td", {}, renderProgress(replica)),
    el("td", {}, replica.startedAt ? formatUptime(Date.now() / 1000 - replica.startedAt) : ""),
    el("td", { className: "error" }, replica.lastError ?? ""));
}

/** Ray's name for the state first (what `status` prints), llmserve's finer one in brackets when it differs. */
function rayState(lifecycle) {
  const ray = { ready: "RUNNING", starting: "STARTING", loading: "STARTING", pending: "PENDING", backoff: "RECOVERING",
    stopping: "STOPPING", stopped: "STOPPED", failed: "FAILED" }[lifecycle] ?? lifecycle;
  return ray.toLowerCase() === lifecycle ? ray : `${ray} (${lifecycle})`;
}

function renderProgress(replica) {
  const progress = replica.progress;
  if (progress === undefined) return "";
  const fraction = progress.fraction ??
    (progress.totalBytes ? progress.downloadedBytes / progress.totalBytes : undefined);
  const bar = el("progress", { max: 1 });
  if (fraction !== undefined) bar.value = fraction;
  const detail = progress.phase === "downloading"
    ? `${formatBytes(progress.downloadedBytes ?? 0)}${progress.totalBytes ? ` / ${formatBytes(progress.totalBytes)}` : ""}`
    : fraction !== undefined ? `${Math.round(fraction * 100)}%` : "";
  return el("span", {}, `${progress.phase} `, bar, ` ${detail}`);
}

function formatUptime(seconds) {
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
}
