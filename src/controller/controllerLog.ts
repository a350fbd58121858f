import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { formatLogLine, LOG_LEVELS, type LogSettings } from "../logLine.js";
import type { RequestRecord } from "./metrics/RequestRecord.js";

export interface ControllerLog {
  /** A DEBUG line (log_level: DEBUG): per-request routing; the message is built only when DEBUG is on. */
  debug: (message: () => string) => void;
  /** An INFO line of the controller (what `log` used to be everywhere). */
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
  /** One access line, when `settings` (the deployment's, else the top level's) enable it. */
  access: (record: RequestRecord, settings: LogSettings) => void;
}

/**
 * The controller's log, shaped by the top-level logging_config read at each line (`settings` changes with an
 * apply): level filter, TEXT or JSON, and `logs_dir/controller.log` when set (stderr, i.e.
 * $LLMSERVE_HOME/logs/controller.log, otherwise).
 */
export function createControllerLog(settings: () => LogSettings, stderr: (text: string) => void = (text) => process.stderr.write(text)): ControllerLog {
  let file: { dir: string; stream: WriteStream } | undefined;
  const write = (text: string): void => {
    const dir = settings().logsDir;
    if (dir === undefined) return stderr(text);
    if (file?.dir !== dir) {
      file?.stream.end();
      mkdirSync(dir, { recursive: true });
      file = { dir, stream: createWriteStream(join(dir, "controller.log"), { flags: "a" }) };
    }
    file.stream.write(text);
  };
  const line = (level: number) => (message: string): void => {
    const current = settings();
    if (level >= current.level) write(formatLogLine(current.encoding, level, "controller", message));
  };
  return {
    debug: (message) => {
      if (LOG_LEVELS.DEBUG >= settings().level) line(LOG_LEVELS.DEBUG)(message());
    },
    info: line(LOG_LEVELS.INFO),
    warn: line(LOG_LEVELS.WARNING),
    error: line(LOG_LEVELS.ERROR),
    access: (record, access) => {
      const current = settings();
      if (!access.enableAccessLog || LOG_LEVELS.INFO < current.level) return;
      write(formatLogLine(current.encoding, LOG_LEVELS.INFO, "access", `"${record.method} ${record.route}" ${record.status}`, accessFields(record), new Date(record.time)));
    },
  };
}

function accessFields(record: RequestRecord): Record<string, string | number | null> {
  const ms = (value: number | undefined): number | null => (value === undefined ? null : Math.round(value * 10) / 10);
  return {
    request_id: record.requestId,
    client: record.client,
    method: record.method,
    route: record.route,
    model: record.model ?? null,
    status: record.status,
    prompt_tokens: record.facts?.promptTokens ?? null,
    completion_tokens: record.facts?.completionTokens ?? null,
    reasoning_tokens: record.facts?.reasoningTokens ?? null,
    queue_ms: ms(record.queueMs),
    ttft_ms: ms(record.ttftMs),
    total_ms: ms(record.totalMs),
  };
}
