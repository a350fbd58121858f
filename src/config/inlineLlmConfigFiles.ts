import { dirname, isAbsolute, join, resolve } from "node:path";
import type { Diagnostic } from "./Diagnostic.js";
import type { Inclusion } from "./createLocator.js";
import { errorAt, type Finding } from "./Finding.js";
import { formatConfigPath } from "./formatConfigPath.js";
import { parseYamlWithPositions } from "./parseYamlWithPositions.js";
import { readConfigText, type ReadConfigTextResult } from "./readConfigText.js";
import type { SourceDocument } from "./SourceDocument.js";
import { applicationsOf, recordAt } from "./walkConfig.js";

export interface InlineResult {
  /** The whole config with every llm_configs path replaced by its file's mapping. */
  value: unknown;
  inclusions: Inclusion[];
  /** Problems positioned in the main file (a path that cannot be read). */
  findings: Finding[];
  /** Problems inside included files, already positioned there. */
  diagnostics: Diagnostic[];
}

/**
 * Replaces each `args.llm_configs` entry that is a string by the mapping in that YAML file, resolved relative to
 * the config file (as Ray's build_openai_app accepts paths). Files that cannot be used are reported, not thrown.
 */
export async function inlineLlmConfigFiles(main: SourceDocument): Promise<InlineResult> {
  const value = structuredClone(main.value);
  const result: InlineResult = { value, inclusions: [], findings: [], diagnostics: [] };
  for (const { app, segments } of applicationsOf(value)) {
    const list = recordAt(app, "args")?.["llm_configs"];
    if (!Array.isArray(list)) continue;
    for (let index = 0; index < list.length; index++) {
      const entry: unknown = list[index];
      if (typeof entry !== "string" || entry === "") continue;
      const entrySegments = [...segments, "args", "llm_configs", index];
      const found = await readIncluded(main, entry);
      const { read, absolutePath, file } = found;
      if (!read.ok) {
        const message =
          read.message === "no such file"
            ? `llm_config file '${entry}' does not exist (looked at ${found.lookedAt.join(" and ")})`
            : `llm_config file '${entry}' ${read.message}`;
        if (read.line === 1 && read.column === 1) result.findings.push(errorAt(entrySegments, message));
        else
          result.diagnostics.push(diagnostic(file, read.line, read.column, formatConfigPath(entrySegments), message));
        continue;
      }
      const parsed = parseYamlWithPositions(
        read.text,
        read.bytes,
        file,
        absolutePath,
        "an LLMConfig mapping (model_loading_config, engine_kwargs, ...)",
      );
      if (!parsed.ok) {
        for (const problem of parsed.problems) {
          result.diagnostics.push({
            ...diagnostic(file, problem.line, problem.column, formatConfigPath(entrySegments), problem.message),
            severity: problem.severity,
          });
        }
        continue;
      }
      list[index] = parsed.source.value;
      result.inclusions.push({ segments: entrySegments, source: parsed.source });
    }
  }
  return result;
}

interface IncludedRead {
  read: ReadConfigTextResult;
  absolutePath: string;
  /** The path shown in diagnostics. */
  file: string;
  lookedAt: string[];
}

/**
 * Reads an llm_configs path relative to the file that names it; when it is not there, relative to the working
 * directory, which is where Ray's `serve run` resolves it (Ray's release tests name `./configs/model_config/...`
 * from the directory they run in).
 */
async function readIncluded(main: SourceDocument, entry: string): Promise<IncludedRead> {
  const besideFile = resolve(dirname(main.absolutePath), entry);
  const shownBesideFile = isAbsolute(entry) ? entry : join(dirname(main.file), entry);
  const first: IncludedRead = {
    read: await readConfigText(besideFile),
    absolutePath: besideFile,
    file: shownBesideFile,
    lookedAt: [besideFile],
  };
  const inWorkingDir = resolve(entry);
  if (first.read.ok || first.read.message !== "no such file" || inWorkingDir === besideFile) return first;
  const second = await readConfigText(inWorkingDir);
  if (!second.ok && second.message === "no such file") return { ...first, lookedAt: [besideFile, inWorkingDir] };
  return { read: second, absolutePath: inWorkingDir, file: entry, lookedAt: [besideFile, inWorkingDir] };
}

function diagnostic(file: string, line: number, column: number, path: string, message: string): Diagnostic {
  return { file, line, column, severity: "error", path, message };
}
