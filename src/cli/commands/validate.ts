import { existsSync } from "node:fs";
import { Command, Option } from "commander";
import type { Diagnostic } from "../../config/Diagnostic.js";
import { formatDiagnostic } from "../../config/formatDiagnostic.js";
import { loadConfigFile } from "../../config/loadConfigFile.js";
import type { ConfigTarget } from "../../config/ResolvedConfig.js";
import { ActionableError } from "../../errors/ActionableError.js";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../exitCodes.js";

export interface ValidateCommandOptions {
  json?: boolean;
  strict?: boolean;
  target: ConfigTarget;
}

/**
 * `llmserve validate FILE... [--json] [--strict] [--target local|ray]`: every problem in every file, at once. A file
 * is a Serve config file or one standalone LLMConfig (what `llm_configs` entries name), told apart by its top level.
 */
export function validateCommand(): Command {
  return new Command("validate")
    .description("check config files and report every problem at once, as FILE:LINE:COL")
    .argument("<files...>", "llmserve / Ray Serve config files, or standalone LLMConfig files that llm_configs names")
    .option("--json", "print the diagnostics as a JSON array (file, line, column, severity, path, message)")
    .option(
      "--strict",
      "count every warning as an error (a local GGUF file missing on this machine, keys ignored locally, ...)",
    )
    .addOption(
      new Option("--target <target>", "check for running here (needs a GGUF per model) or for deploying to Ray")
        .choices(["local", "ray"])
        .default("local"),
    )
    .action(async (files: string[], options: ValidateCommandOptions) => {
      process.exitCode = await runValidate(files, options);
    });
}

async function runValidate(files: readonly string[], options: ValidateCommandOptions): Promise<number> {
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new ActionableError(`no such file: ${missing.join(", ")}`, EXIT_USAGE);
  }
  const all: Diagnostic[] = [];
  let invalid = 0;
  for (const file of files) {
    const loaded = await loadConfigFile(file, {
      target: options.target,
      kinds: ["serve", "llm-config"],
      missingLocalModel: options.strict === true ? "error" : "warning",
    });
    const diagnostics = options.strict === true ? loaded.diagnostics.map(asError) : loaded.diagnostics;
    const valid = diagnostics.every((d) => d.severity !== "error");
    all.push(...diagnostics);
    if (!valid) invalid += 1;
    if (options.json !== true) process.stdout.write(humanReport(file, diagnostics, valid));
  }
  if (options.json === true) process.stdout.write(`${JSON.stringify(all.map(jsonShape), null, 2)}\n`);
  return invalid > 0 ? EXIT_FAILURE : EXIT_OK;
}

function humanReport(file: string, diagnostics: readonly Diagnostic[], valid: boolean): string {
  const lines = diagnostics.map((d) => `${formatDiagnostic(d)}\n`);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const counts = [plural(errors, "error"), plural(warnings, "warning")].filter((c) => c !== "").join(", ");
  lines.push(`${file}: ${valid ? "valid" : "invalid"}${counts === "" ? "" : ` (${counts})`}\n`);
  return lines.join("");
}

function asError(d: Diagnostic): Diagnostic {
  return { ...d, severity: "error" };
}

function plural(count: number, word: string): string {
  return count === 0 ? "" : `${count} ${word}${count === 1 ? "" : "s"}`;
}

function jsonShape(d: Diagnostic): Diagnostic {
  return { file: d.file, line: d.line, column: d.column, severity: d.severity, path: d.path, message: d.message };
}
