import type { Ora } from "ora";

/** Deployment progress for `run`: an ora spinner on a TTY, otherwise a plain line whenever a line changes. */
export interface ProgressReporter {
  update: (lines: readonly string[]) => void;
  /** A line that stays (clears the spinner first). */
  info: (line: string) => void;
  stop: () => void;
}

/** ora is imported only when a spinner is shown (~65 ms of start-up otherwise: scripts and `--non-blocking` runs). */
export async function createProgressReporter(spinner: boolean): Promise<ProgressReporter> {
  // A pseudo-terminal may report 0 columns; ora's redraw then never ends. Plain lines are safe there.
  const usable = spinner && (process.stderr.columns ?? 0) > 0;
  let active: Ora | undefined = usable
    ? (await import("ora")).default({ text: "starting", stream: process.stderr, discardStdin: false }).start()
    : undefined;
  const printed = new Set<string>();
  return {
    update: (lines) => {
      if (active !== undefined) {
        active.text = lines.join("\n  ") || "starting";
        return;
      }
      for (const line of lines) {
        if (printed.has(line)) continue;
        printed.add(line);
        process.stdout.write(`${line}\n`);
      }
    },
    info: (line) => {
      if (active !== undefined) {
        active.clear();
        process.stdout.write(`${line}\n`);
        active.render();
        return;
      }
      process.stdout.write(`${line}\n`);
    },
    stop: () => {
      active?.stop();
      active = undefined;
    },
  };
}
