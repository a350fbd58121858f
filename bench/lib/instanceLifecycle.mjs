// `llmserve run --non-blocking` and `llmserve shutdown -y` as a user runs them, timed: how long run takes until
// every application is RUNNING (and how much of it the replicas' own start-up was), how long shutdown takes until
// every process is gone.
import { forceStop, instancePids, llmserve, readyReplicas, replicaStartupSpans, statusJson, waitGone } from "./llmserveCli.mjs";

/**
 * Runs `llmserve run CONFIG --non-blocking` in `home` and waits for it to exit 0. Returns `{ runMs, replicaMs,
 * overheadMs, status, pids, replicas, endpoint }`: runMs from spawning the CLI to its exit, replicaMs the slowest
 * replica's own start-to-ready time (controller log), overheadMs = runMs - replicaMs.
 */
export async function startInstance(root, home, configPath) {
  const since = Date.now() - 1000; // the controller logs with ms timestamps of the same clock
  const run = await llmserve(root, home, ["run", configPath, "--non-blocking"]);
  if (run.code !== 0) {
    forceStop(root, home);
    throw new Error(`llmserve run failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  const status = await statusJson(root, home);
  const spans = replicaStartupSpans(home, since);
  const replicaMs = spans.length > 0 ? Math.max(...spans.map((span) => span.ms)) : Number.NaN;
  return {
    runMs: run.ms,
    replicaMs,
    overheadMs: run.ms - replicaMs,
    spans,
    status,
    pids: instancePids(status),
    replicas: readyReplicas(status),
    endpoint: status.endpoint,
  };
}

/**
 * `llmserve shutdown -y`, timed: cliMs from spawn to the CLI's exit, goneMs until none of `pids` (controller and
 * replicas, from the status read before) is alive any more (polled every 2 ms).
 */
export async function stopInstanceTimed(root, home, pids) {
  const started = performance.now();
  const gone = waitGone(pids, { timeoutMs: 120_000 });
  const cli = await llmserve(root, home, ["shutdown", "-y"]);
  const goneAfter = await gone;
  if (cli.code !== 0) throw new Error(`llmserve shutdown failed (${cli.code}): ${cli.stderr}`);
  if (goneAfter === undefined) throw new Error(`processes still alive 120 s after shutdown: ${pids.join(", ")}`);
  return { cliMs: cli.ms, goneMs: Math.max(cli.ms, performance.now() - started) };
}
