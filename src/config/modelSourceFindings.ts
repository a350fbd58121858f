import { statSync } from "node:fs";
import type { ConfigTarget } from "./ResolvedConfig.js";
import { classifyModelSource, ggufFormOf, suggestedGgufSource, type ModelSourceKind } from "./classifyModelSource.js";
import { errorAt, warningAt, type Finding, type PathSegment } from "./Finding.js";
import { llmConfigsOf, recordAt } from "./walkConfig.js";

const GGUF_FORMS = "a .gguf path, hf:owner/repo/file.gguf, hf:owner/repo:QUANT, or an https:// URL";

/**
 * Checks where each model's weights come from. With target `local` every model needs a GGUF (gguf_source, or a
 * model_source that already is one) and a local GGUF file must exist; with target `ray` the GGUF is optional.
 */
export function modelSourceFindings(
  root: unknown,
  target: ConfigTarget,
  baseDirOf: (segments: readonly PathSegment[]) => string,
  missingLocalModel: "error" | "warning" = "error",
): Finding[] {
  const findings: Finding[] = [];
  for (const { llmConfig, llmSegments } of llmConfigsOf(root)) {
    const loading = recordAt(llmConfig, "model_loading_config");
    if (loading === undefined) continue;
    const base = [...llmSegments, "model_loading_config"];
    const baseDir = baseDirOf(base);
    const modelId = loading["model_id"];
    const rawSource = loading["model_source"];
    const sourceKey = typeof rawSource === "string" ? "model_source" : "model_id";
    const sourceText = typeof rawSource === "string" ? rawSource : typeof modelId === "string" ? modelId : undefined;
    const sourceKind = sourceText === undefined ? undefined : classifyModelSource(sourceText, baseDir);
    const gguf = loading["gguf_source"];

    if (typeof gguf === "string") {
      const kind = classifyModelSource(gguf, baseDir);
      findings.push(...ggufFindings(kind, [...base, "gguf_source"], target, "gguf_source", missingLocalModel));
    } else if (target === "local") {
      if (sourceKind !== undefined && ggufFormOf(sourceKind) !== undefined) {
        findings.push(...ggufFindings(sourceKind, [...base, sourceKey], target, sourceKey, missingLocalModel));
      } else if (typeof rawSource === "object" && rawSource !== null) {
        findings.push(
          errorAt(
            [...base, "model_source"],
            `model_source is a cloud bucket, which llmserve cannot run locally; add model_loading_config.gguf_source (${GGUF_FORMS})`,
          ),
        );
      } else if (sourceKind !== undefined) {
        findings.push(errorAt([...base, sourceKey], noGgufMessage(sourceKind)));
      }
    }
    if (
      target === "ray" &&
      sourceKind !== undefined &&
      (sourceKind.kind === "hf-gguf" || sourceKind.kind === "bad-hf")
    ) {
      findings.push(
        warningAt(
          [...base, sourceKey],
          `${sourceKey} '${sourceText}' is an llmserve GGUF source that Ray's vLLM engine cannot load; move it to gguf_source and name the Hugging Face repository in model_source`,
          "value",
        ),
      );
    }
  }
  return findings;
}

function ggufFindings(
  kind: ModelSourceKind,
  segments: PathSegment[],
  target: ConfigTarget,
  key: string,
  missingLocalModel: "error" | "warning",
): Finding[] {
  switch (kind.kind) {
    case "gguf-path":
      if (target === "local" && !isFile(kind.path)) {
        return missingLocalModel === "error"
          ? [errorAt(segments, `GGUF file not found: looked at ${kind.path}`)]
          : [
              warningAt(
                segments,
                `GGUF file not found on this machine (looked at ${kind.path}); \`llmserve run\` needs it at that path`,
                "value",
              ),
            ];
      }
      return [];
    case "hf-gguf":
      return [];
    case "url":
      if (kind.plainHttp && !kind.loopback) {
        return [
          warningAt(
            segments,
            `${key} downloads over plain http, which anyone on the way can tamper with; prefer https`,
            "value",
          ),
        ];
      }
      return [];
    case "bad-hf":
      return [errorAt(segments, badHfMessage(`${key} '${kind.uri}'`))];
    case "hf-repo":
      if (/-GGUF$/i.test(kind.repo))
        return [
          errorAt(
            segments,
            `${key} must be ${GGUF_FORMS}; for this repository write hf:${kind.repo}:Q4_K_M (or another quantization it holds)`,
          ),
        ];
      return [errorAt(segments, `${key} must be ${GGUF_FORMS} (got '${kind.repo}', a Hugging Face repository id)`)];
    case "bucket":
    case "other":
      return [
        errorAt(segments, `${key} must be ${GGUF_FORMS} (got '${kind.kind === "bucket" ? kind.uri : kind.text}')`),
      ];
  }
}

function noGgufMessage(kind: ModelSourceKind): string {
  if (kind.kind === "hf-repo") {
    if (/-GGUF$/i.test(kind.repo)) {
      return `${kind.repo} looks like a GGUF repository; write it as hf:${kind.repo}:Q4_K_M (or another quantization it holds), or set it as gguf_source`;
    }
    return `${kind.repo} holds safetensors weights; add a GGUF source such as ${suggestedGgufSource(kind.repo)} as model_loading_config.gguf_source`;
  }
  if (kind.kind === "bad-hf") {
    return badHfMessage(`'${kind.uri}'`);
  }
  const text = kind.kind === "other" ? kind.text : kind.kind === "bucket" ? kind.uri : "";
  return `'${text}' is not a GGUF model; llmserve runs GGUF files: add model_loading_config.gguf_source (${GGUF_FORMS})`;
}

function badHfMessage(subject: string): string {
  return `${subject} is not a GGUF source: write hf:owner/repo/file.gguf or hf:owner/repo:QUANT (e.g. hf:Qwen/Qwen3-0.6B-GGUF:Q8_0)`;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
