import { formatDiagnostic } from "../config/formatDiagnostic.js";
import { loadConfigFile } from "../config/loadConfigFile.js";
import { controllerSpecFromConfig, type ControllerSpec } from "./controllerSpec.js";

export type SpecLoadResult = { ok: true; spec: ControllerSpec } | { ok: false; message: string };

/**
 * Loads and validates a config file (target local) into the controller's spec, in this thread; errors as
 * FILE:LINE:COL lines. The controller calls it through `loadControllerSpec` (in a child process).
 */
export async function readControllerSpec(path: string): Promise<SpecLoadResult> {
  const { config, diagnostics } = await loadConfigFile(path, { target: "local" });
  if (config === undefined) {
    const errors = diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
    return { ok: false, message: `invalid config:\n${errors.join("\n")}` };
  }
  return { ok: true, spec: controllerSpecFromConfig(config) };
}
