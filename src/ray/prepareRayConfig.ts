import { formatDiagnostic } from "../config/formatDiagnostic.js";
import { loadConfigFile } from "../config/loadConfigFile.js";
import { ActionableError } from "../errors/ActionableError.js";
import { rayCompatibilityFindings } from "./rayCompatibilityFindings.js";
import { collectSecretValues } from "./secrets.js";
import { translateForRay, type RayTranslation } from "./translateForRay.js";

export interface PreparedRayConfig extends RayTranslation {
  /** The config's secret values (sent to Ray, scrubbed from everything printed). */
  secrets: string[];
}

/**
 * Validates `path` for the Ray target, prints every diagnostic exactly as `llmserve validate` does (warnings
 * included), stops with an ActionableError when there is an error, and translates the file as written into
 * Ray Serve's config. `writeLine` receives the diagnostic lines (stderr in the CLI).
 */
export async function prepareRayConfig(path: string, writeLine: (line: string) => void): Promise<PreparedRayConfig> {
  const { diagnostics, config } = await loadConfigFile(path, { target: "ray" });
  for (const diagnostic of diagnostics) writeLine(formatDiagnostic(diagnostic));
  const errorCount = diagnostics.filter((d) => d.severity === "error").length;
  if (config === undefined || errorCount > 0) {
    throw new ActionableError(`${path} is not valid for Ray (${errorCount} error${errorCount === 1 ? "" : "s"} above); nothing was sent.`);
  }
  const translation = translateForRay(config.rawFile);
  const findings = rayCompatibilityFindings(translation.config);
  for (const finding of findings) writeLine(`${path}: ${finding.severity}: ${finding.message} (at ${finding.path})`);
  const rayErrors = findings.filter((f) => f.severity === "error").length;
  if (rayErrors > 0) {
    throw new ActionableError(`${path} is not valid for Ray (${rayErrors} error${rayErrors === 1 ? "" : "s"} above); nothing was sent.`);
  }
  return { ...translation, secrets: collectSecretValues(translation.config) };
}
