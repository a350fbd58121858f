import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { checkGgufHeader } from "../gguf/checkGgufHeader.js";
import { classifyModelSource } from "./classifyModelSource.js";
import { warningAt, type Finding, type PathSegment } from "./Finding.js";
import { unsupportedTemplateFeatures } from "./unsupportedTemplateFeatures.js";
import { llmConfigsOf, recordAt } from "./walkConfig.js";

/**
 * Warns when a model's chat template needs a Jinja feature the local engine lacks: the template of
 * `engine_kwargs.chat_template` (text, or a file next to the config), else the one inside a local GGUF file.
 * Templates on remote sources are only known once downloaded (the replica then fails its start if it cannot
 * parse it).
 */
export async function chatTemplateFindings(root: unknown, baseDirOf: (segments: readonly PathSegment[]) => string): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const { llmConfig, llmSegments } of llmConfigsOf(root)) {
    const override = recordAt(llmConfig, "engine_kwargs")?.["chat_template"];
    const overrideAt = [...llmSegments, "engine_kwargs", "chat_template"];
    let template: string | undefined;
    let where: readonly PathSegment[] | undefined;
    if (typeof override === "string" && override !== "") {
      template = templateText(override, baseDirOf(overrideAt));
      where = overrideAt;
    } else {
      const local = localGguf(recordAt(llmConfig, "model_loading_config"), baseDirOf([...llmSegments, "model_loading_config"]));
      if (local !== undefined) {
        template = await ggufChatTemplate(local.path);
        where = [...llmSegments, "model_loading_config", local.key];
      }
    }
    if (template === undefined || where === undefined) continue;
    const missing = unsupportedTemplateFeatures(template);
    if (missing.length === 0) continue;
    const origin = where.at(-1) === "chat_template" ? "this chat template" : "the chat template in this GGUF";
    findings.push(
      warningAt(where, `${origin} uses Jinja features llmserve's engine does not render: ${missing.join("; ")}; requests that reach them will fail with a 400`, "value"),
    );
  }
  return findings;
}

function templateText(value: string, baseDir: string): string {
  if (value.includes("{") || value.includes("\n")) return value;
  const path = resolve(baseDir, value);
  return existsSync(path) ? readFileSync(path, "utf8") : value;
}

function localGguf(loading: Record<string, unknown> | undefined, baseDir: string): { key: string; path: string } | undefined {
  for (const key of ["gguf_source", "model_source"]) {
    const value = loading?.[key];
    if (typeof value !== "string") continue;
    const kind = classifyModelSource(value, baseDir);
    if (kind.kind === "gguf-path" && existsSync(kind.path)) return { key, path: kind.path };
    return undefined;
  }
  return undefined;
}

async function ggufChatTemplate(path: string): Promise<string | undefined> {
  try {
    return (await checkGgufHeader(path)).chatTemplate;
  } catch {
    return undefined; // an unreadable GGUF is reported by the replica's own check
  }
}
