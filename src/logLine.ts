/** Ray's LoggingConfig as llmserve applies it: the effective values after top level < application < deployment. */
export interface LogSettings {
  encoding: "TEXT" | "JSON";
  /** Python's numeric level: DEBUG 10, INFO 20, WARNING 30, ERROR 40, CRITICAL 50. */
  level: number;
  enableAccessLog: boolean;
  /** Where log files go; undefined = $LLMSERVE_HOME/logs. */
  logsDir: string | undefined;
}

export type LogLevelName = "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";

export const LOG_LEVELS: Readonly<Record<LogLevelName, number>> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 };

export const DEFAULT_LOG_SETTINGS: LogSettings = { encoding: "TEXT", level: LOG_LEVELS.INFO, enableAccessLog: true, logsDir: undefined };

/** A Ray LoggingConfig object (any of the three places it may appear), as written. */
export interface LoggingConfigInput {
  encoding?: "TEXT" | "JSON" | undefined;
  log_level?: LogLevelName | number | undefined;
  logs_dir?: string | null | undefined;
  enable_access_log?: boolean | undefined;
}

/** Each key set in a later config overrides the same key of the earlier ones (Ray: deployment > application > top). */
export function resolveLogSettings(...configs: readonly (LoggingConfigInput | null | undefined)[]): LogSettings {
  let settings = DEFAULT_LOG_SETTINGS;
  for (const config of configs) {
    if (config === null || config === undefined) continue;
    settings = {
      encoding: config.encoding ?? settings.encoding,
      level: config.log_level === undefined ? settings.level : typeof config.log_level === "number" ? config.log_level : LOG_LEVELS[config.log_level],
      enableAccessLog: config.enable_access_log ?? settings.enableAccessLog,
      logsDir: config.logs_dir === undefined ? settings.logsDir : (config.logs_dir ?? undefined),
    };
  }
  return settings;
}

/** Python's name for a numeric level (the nearest one at or below it). */
export function levelName(level: number): LogLevelName {
  const names = Object.entries(LOG_LEVELS) as [LogLevelName, number][];
  return names.filter(([, value]) => value <= level).at(-1)?.[0] ?? "DEBUG";
}

/**
 * One log line: `TIME LEVEL LOGGER MESSAGE key=value...` (TEXT) or one JSON object with `time`, `level`, `logger`,
 * `message` and the fields (JSON). Always ends in exactly one newline; a TEXT message's own newlines are escaped so
 * one record stays one line.
 */
export function formatLogLine(encoding: LogSettings["encoding"], level: number, logger: string, message: string,
  fields: Readonly<Record<string, string | number | null>> = {}, time = new Date()): string {
  if (encoding === "JSON") {
    return `${JSON.stringify({ time: time.toISOString(), level: levelName(level), logger, message, ...fields })}\n`;
  }
  const extra = Object.entries(fields).map(([key, value]) => ` ${key}=${value ?? "-"}`).join("");
  return `${time.toISOString()} ${levelName(level)} ${logger} ${message.replace(/\n/g, "\\n")}${extra}\n`;
}
