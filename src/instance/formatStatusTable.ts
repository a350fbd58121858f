import type { StatusReport } from "./statusReport.js";

const HEADER = ["APP", "MODEL", "REPLICA", "STATE", "PID", "GPU", "MEMORY", "ONGOING", "QUEUED", "TOKENS/S", "RESTARTS"] as const;

/**
 * `llmserve status -o table` (the default on a terminal), like `ollama ps`: one row per replica (a deployment with
 * none gets one row of dashes), QUEUED being the deployment's controller queue, TOKENS/S the replica's generation
 * rate over the last 10 s ("-" when idle or unknown). The endpoint and any message that
 * is not "everything is running" follow the table.
 */
export function formatStatusTable(report: StatusReport): string {
  if (!report.running) return "No llmserve instance is running.\n";
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const [appName, app] of Object.entries(report.applications)) {
    if (app.message !== "") notes.push(`${appName}: ${app.message}`);
    for (const deployment of Object.values(app.deployments)) {
      if (deployment.message !== "" && deployment.message !== app.message) notes.push(`${appName}/${deployment.model_id}: ${deployment.message}`);
      const queued = String(deployment.queued_requests);
      if (deployment.replicas.length === 0) rows.push([appName, deployment.model_id, "-", deployment.status, "-", "-", "-", "0", queued, "-", "0"]);
      for (const replica of deployment.replicas) {
        rows.push([
          appName,
          deployment.model_id,
          replica.replica_id,
          replica.state,
          replica.pid === null ? "-" : String(replica.pid),
          replica.gpus.length > 0 ? replica.gpus.join(",") : "CPU",
          replica.memory ?? "-",
          String(replica.ongoing_requests),
          queued,
          tokensPerSecond(replica.tokens_per_second),
          String(replica.restarts),
        ]);
      }
    }
  }
  const widths = HEADER.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd();
  const endpoint = report.endpoint === undefined ? [] : [`endpoint: ${report.endpoint}  metrics: ${report.endpoint}/metrics`];
  return [line(HEADER), ...rows.map(line), "", ...endpoint, ...notes].join("\n") + "\n";
}

function tokensPerSecond(rate: number | null): string {
  if (rate === null || rate <= 0) return "-";
  return rate >= 100 ? rate.toFixed(0) : rate.toFixed(1);
}
