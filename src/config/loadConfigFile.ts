import { createHash } from "node:crypto";
import { basename, resolve } from "node:path";
import type { Diagnostic } from "./Diagnostic.js";
import { applyDefaults } from "./applyDefaults.js";
import { chatTemplateFindings } from "./chatTemplateFindings.js";
import { createLocator, type Locator } from "./createLocator.js";
import { detectConfigKind, type ConfigFileKind } from "./detectConfigKind.js";
import { engineKwargsFindings } from "./engineKwargsFindings.js";
import { errorAt, type Finding } from "./Finding.js";
import { formatConfigPath } from "./formatConfigPath.js";
import type { LlmServeConfigFile } from "./generated/schemaTypes.js";
import { ignoredKeyFindings } from "./ignoredKeyFindings.js";
import { inlineLlmConfigFiles, type InlineResult } from "./inlineLlmConfigFiles.js";
import { localEngineFindings } from "./localEngineFindings.js";
import { reasoningConfigFindings } from "./reasoningConfigFindings.js";
import { modelSourceFindings } from "./modelSourceFindings.js";
import { parseYamlWithPositions } from "./parseYamlWithPositions.js";
import { rayTargetFindings } from "./rayTargetFindings.js";
import { readConfigText } from "./readConfigText.js";
import { replicaFindings } from "./replicaFindings.js";
import type { ConfigLoadResult, ConfigTarget, LoadConfigOptions } from "./ResolvedConfig.js";
import type { SourceDocument } from "./SourceDocument.js";
import { resolveConfig } from "./resolveConfig.js";
import { schemaFindings } from "./schemaFindings.js";
import { uniquenessFindings } from "./uniquenessFindings.js";

const ROOT_WHAT = "a mapping with an 'applications' list (or one LLMConfig, with 'model_loading_config')";

/** Where a standalone LLMConfig file sits in the Serve config it is checked as: the first model of one application. */
const STANDALONE_LLM_CONFIG_AT = ["applications", 0, "args", "llm_configs", 0] as const;

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
  const decision = detectConfigKind(main.value);
  if (decision.kind === "ambiguous") {
    const at = decision.key === undefined ? [] : [decision.key];
    return failed([toDiagnostic(errorAt(at, decision.message, "key"), createLocator(main, []), 0)]);
  }
  const kind = decision.kind;
  const accepted = options.kinds ?? ["serve"];
  if (!accepted.includes(kind)) return failed([kindNotAccepted(path)]);
  const inlined = kind === "serve" ? await inlineLlmConfigFiles(main) : standaloneLlmConfig(main);
  const locator = createLocator(main, inlined.inclusions);
  const value = inlined.value;
  const pathPrefixLength = kind === "serve" ? 0 : STANDALONE_LLM_CONFIG_AT.length;
  const missingLocalModel = options.missingLocalModel ?? "error";

  const findings: Finding[] = [
    ...inlined.findings,
    ...schemaFindings(value, target),
    ...uniquenessFindings(value),
    ...replicaFindings(value),
    ...engineKwargsFindings(value, target),
    ...reasoningConfigFindings(value, target),
    ...modelSourceFindings(value, target, (segments) => locator.baseDirOf(segments), missingLocalModel),
    ...(target === "local"
      ? [...ignoredKeyFindings(value), ...localEngineFindings(value), ...(await chatTemplateFindings(value, (segments) => locator.baseDirOf(segments)))]
      : rayTargetFindings(value)),
  ];
  const diagnostics = sortDiagnostics(
    dedupe([...inlined.diagnostics, ...findings.map((finding) => toDiagnostic(finding, locator, pathPrefixLength))]),
    locator,
  );
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics, config: undefined, kind };

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
  return { diagnostics, config, kind };
}

function failed(diagnostics: Diagnostic[]): ConfigLoadResult {
  return { diagnostics, config: undefined };
}

/** A standalone LLMConfig file, checked as the only model of a Serve file so that every rule applies to it as is. */
function standaloneLlmConfig(main: SourceDocument): InlineResult {
  const value = { applications: [{ args: { llm_configs: [structuredClone(main.value)] } }] };
  return { value, inclusions: [{ segments: STANDALONE_LLM_CONFIG_AT, source: main }], findings: [], diagnostics: [] };
}

function kindNotAccepted(file: string): Diagnostic {
  return {
    file,
    line: 1,
    column: 1,
    severity: "error",
    path: "",
    message:
      "this is a standalone LLMConfig file, not a Serve config file (which has 'applications' at the top level): " +
      `name it in an application's llm_configs (llm_configs: [./${basename(file)}]) and use that Serve file here`,
  };
}

/** `pathPrefixLength` leading segments are left out of the shown path (the wrapper of a standalone LLMConfig). */
function toDiagnostic(finding: Finding, locator: Locator, pathPrefixLength: number): Diagnostic {
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
    path: formatConfigPath(finding.segments.slice(pathPrefixLength)),
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
