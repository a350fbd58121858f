import { createHash } from "node:crypto";
import { resolve } from "node:path";
import type { Diagnostic } from "./Diagnostic.js";
import { applyDefaults } from "./applyDefaults.js";
import { createLocator, type Locator } from "./createLocator.js";
import { engineKwargsFindings } from "./engineKwargsFindings.js";
import type { Finding } from "./Finding.js";
import { formatConfigPath } from "./formatConfigPath.js";
import type { LlmServeConfigFile } from "./generated/schemaTypes.js";
import { ignoredKeyFindings } from "./ignoredKeyFindings.js";
import { inlineLlmConfigFiles } from "./inlineLlmConfigFiles.js";
import { localEngineFindings } from "./localEngineFindings.js";
import { reasoningConfigFindings } from "./reasoningConfigFindings.js";
import { modelSourceFindings } from "./modelSourceFindings.js";
import { parseYamlWithPositions } from "./parseYamlWithPositions.js";
import { rayTargetFindings } from "./rayTargetFindings.js";
import { readConfigText } from "./readConfigText.js";
import { replicaFindings } from "./replicaFindings.js";
import type { ConfigLoadResult, ConfigTarget, LoadConfigOptions } from "./ResolvedConfig.js";
import { resolveConfig } from "./resolveConfig.js";
import { schemaFindings } from "./schemaFindings.js";
import { uniquenessFindings } from "./uniquenessFindings.js";

const ROOT_WHAT = "a mapping with an 'applications' list";

/**
 * Reads, parses, validates and resolves an llmserve config file. Never throws for anything in the file: every
 * problem (all of them, not the first) comes back as a diagnostic with file, line and column; `config` is set only
 * when there is no error.
 */
export async function loadConfigFile(path: string, options: LoadConfigOptions = {}): Promise<ConfigLoadResult> {
  const target: ConfigTarget = options.target ?? "local";
  const absolutePath = resolve(path);
  const read = await readConfigText(absolutePath);
  if (!read.ok) {
    return failed([
      {
        file: path,
        line: read.line,
        column: read.column,
        severity: "error",
        path: "",
        message: `${path} ${read.message}`,
      },
    ]);
  }
  const parsed = parseYamlWithPositions(read.text, read.bytes, path, absolutePath, ROOT_WHAT);
  if (!parsed.ok) {
    return failed(
      parsed.problems.map((p) => ({
        file: path,
        line: p.line,
        column: p.column,
        severity: p.severity,
        path: "",
        message: p.message,
      })),
    );
  }
  const main = parsed.source;
  const inlined = await inlineLlmConfigFiles(main);
  const locator = createLocator(main, inlined.inclusions);
  const value = inlined.value;

  const findings: Finding[] = [
    ...inlined.findings,
    ...schemaFindings(value),
    ...uniquenessFindings(value),
    ...replicaFindings(value),
    ...engineKwargsFindings(value, target),
    ...reasoningConfigFindings(value, target),
    ...modelSourceFindings(value, target, (segments) => locator.baseDirOf(segments)),
    ...(target === "local" ? [...ignoredKeyFindings(value), ...localEngineFindings(value)] : rayTargetFindings(value)),
  ];
  const diagnostics = sortDiagnostics(
    dedupe([...inlined.diagnostics, ...findings.map((finding) => toDiagnostic(finding, locator))]),
    locator,
  );
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics, config: undefined };

  const hash = createHash("sha256").update(main.bytes);
  for (const inclusion of inlined.inclusions)
    hash.update(`\u0000${inclusion.source.absolutePath}\u0000`).update(inclusion.source.bytes);
  const rawFile = value as LlmServeConfigFile;
  const config = resolveConfig({
    file: applyDefaults(rawFile),
    rawFile: structuredClone(rawFile),
    sourcePath: absolutePath,
    sourceHash: hash.digest("hex"),
    baseDirOf: (segments) => locator.baseDirOf(segments),
  });
  return { diagnostics, config };
}

function failed(diagnostics: Diagnostic[]): ConfigLoadResult {
  return { diagnostics, config: undefined };
}

function toDiagnostic(finding: Finding, locator: Locator): Diagnostic {
  const position = locator.locate(
    finding.positionAt ?? finding.segments,
    finding.positionAt !== undefined ? "key" : finding.at,
  );
  let message = finding.message;
  if (finding.firstAt !== undefined) {
    const first = locator.locate(finding.firstAt, "value");
    message +=
      first.file === position.file ? ` (first at line ${first.line})` : ` (first at ${first.file}:${first.line})`;
  }
  return {
    file: position.file,
    line: position.line,
    column: position.column,
    severity: finding.severity,
    path: formatConfigPath(finding.segments),
    message,
  };
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}\u0000${d.line}\u0000${d.column}\u0000${d.severity}\u0000${d.path}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sortDiagnostics(diagnostics: Diagnostic[], locator: Locator): Diagnostic[] {
  return diagnostics
    .map((d, index) => ({ d, index }))
    .sort(
      (a, b) =>
        locator.fileOrder(a.d.file) - locator.fileOrder(b.d.file) ||
        a.d.line - b.d.line ||
        a.d.column - b.d.column ||
        a.index - b.index,
    )
    .map(({ d }) => d);
}
