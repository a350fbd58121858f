import { execFileSync } from "node:child_process";

/**
 * llama-bench's text-generation rate (one sequence, no HTTP, no sampling): the engine's own limit on this machine.
 * Returns tokens/s (mean of `repetitions`) or throws.
 */
export function runLlamaBench({ bench, modelPath, threads, tokens, repetitions = 3 }) {
  const out = execFileSync(
    bench,
    ["-m", modelPath, "-t", String(threads), "-p", "0", "-n", String(tokens), "-r", String(repetitions), "-o", "json"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 16 << 20 },
  );
  const rows = JSON.parse(out);
  const row = rows.find((entry) => entry.n_gen > 0);
  if (row === undefined) throw new Error("llama-bench printed no text-generation row");
  return { tokensPerSecond: row.avg_ts, stddev: row.stddev_ts, buildCommit: row.build_commit };
}
