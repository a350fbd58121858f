import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileSafeName } from "../protocol/fileSafeName.js";
import { fileSize, readFileRange } from "../fileRange.js";
import { LOG_TAIL_POLL_INTERVAL_MS } from "./timeouts.js";

export interface LogSource {
  file: string;
  /** Shown before each line, e.g. `(controller)` or `(app/model r1)`. */
  prefix: string;
}

/** The log files under $LLMSERVE_HOME/logs, optionally only those of one `APP/MODEL` (or `APP`). */
export function listLogSources(home: string, filter?: string): LogSource[] {
  const logDir = join(home, "logs");
  const sources: LogSource[] = [];
  if (filter === undefined && existsSync(join(logDir, "controller.log"))) {
    sources.push({ file: join(logDir, "controller.log"), prefix: "(controller)" });
  }
  const [appFilter, ...modelParts] = filter?.split("/") ?? [];
  const modelFilter = modelParts.length > 0 ? modelParts.join("/") : undefined;
  const replicaDir = join(logDir, "replicas");
  for (const app of listDir(replicaDir)) {
    if (appFilter !== undefined && app !== fileSafeName(appFilter)) continue;
    for (const model of listDir(join(replicaDir, app))) {
      if (modelFilter !== undefined && model !== fileSafeName(modelFilter)) continue;
      for (const file of listDir(join(replicaDir, app, model)).filter((f) => f.endsWith(".log")).sort()) {
        sources.push({ file: join(replicaDir, app, model, file), prefix: `(${app}/${model} ${file.slice(0, -4)})` });
      }
    }
  }
  return sources;
}

export interface TailLogsOptions {
  home: string;
  filter?: string;
  /** Start at the beginning of each file that exists now (else only new lines). Files created later: from 0. */
  fromStart: boolean;
  follow: boolean;
  write: (line: string) => void;
  signal?: AbortSignal;
}

/** Prints log lines with their source prefix; with `follow`, keeps polling for new lines and files until aborted. */
export async function tailLogs(options: TailLogsOptions): Promise<void> {
  const offsets = new Map<string, number>();
  const partial = new Map<string, string>();
  for (const source of listLogSources(options.home, options.filter)) {
    offsets.set(source.file, options.fromStart ? 0 : fileSize(source.file));
  }
  const drain = (): void => {
    for (const source of listLogSources(options.home, options.filter)) {
      const offset = offsets.get(source.file) ?? 0;
      const size = fileSize(source.file);
      if (size < offset) offsets.set(source.file, 0); // truncated or replaced
      if (size <= (offsets.get(source.file) ?? 0)) continue;
      const start = offsets.get(source.file) ?? 0;
      const text = (partial.get(source.file) ?? "") + readFileRange(source.file, start, size);
      offsets.set(source.file, size);
      const lines = text.split("\n");
      partial.set(source.file, lines.pop() ?? "");
      for (const line of lines) options.write(`${source.prefix} ${line}`);
    }
  };
  drain();
  while (options.follow && options.signal?.aborted !== true) {
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, LOG_TAIL_POLL_INTERVAL_MS);
      options.signal?.addEventListener("abort", done, { once: true });
    });
    drain();
  }
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
