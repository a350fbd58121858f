import { isAbsolute, resolve } from "node:path";

export type ModelSourceKind =
  | { kind: "gguf-path"; path: string }
  | { kind: "hf-gguf"; uri: string }
  | { kind: "url"; url: string; plainHttp: boolean; loopback: boolean }
  | { kind: "bad-hf"; uri: string }
  | { kind: "hf-repo"; repo: string }
  | { kind: "bucket"; uri: string }
  | { kind: "other"; text: string };

const HF_FILE = /^hf:[A-Za-z0-9][\w.-]*\/[\w.-]+\/[^\s:]+\.gguf$/i;
const HF_QUANT = /^hf:[A-Za-z0-9][\w.-]*\/[\w.-]+:[\w.-]+$/;
const HF_REPO_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
const BUCKET = /^(s3|gs|abfss|azure):\/\//;
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * What a model_source / gguf_source string names. GGUF kinds are what the local engine can load: a `.gguf` path
 * (resolved against `baseDir`), `hf:owner/repo/file.gguf`, `hf:owner/repo:QUANT`, or an http(s) URL.
 */
export function classifyModelSource(text: string, baseDir: string): ModelSourceKind {
  if (text.startsWith("hf:")) {
    return HF_FILE.test(text) || HF_QUANT.test(text) ? { kind: "hf-gguf", uri: text } : { kind: "bad-hf", uri: text };
  }
  if (/^https?:\/\//i.test(text)) {
    let host = "";
    try {
      host = new URL(text).hostname;
    } catch {
      return { kind: "other", text };
    }
    return { kind: "url", url: text, plainHttp: /^http:/i.test(text), loopback: LOOPBACK_HOSTS.has(host) };
  }
  if (BUCKET.test(text)) return { kind: "bucket", uri: text };
  if (/\.gguf$/i.test(text)) {
    const expanded = text.startsWith("~/") ? `${process.env["HOME"] ?? "~"}${text.slice(1)}` : text;
    return { kind: "gguf-path", path: isAbsolute(expanded) ? expanded : resolve(baseDir, expanded) };
  }
  if (HF_REPO_ID.test(text) && !text.startsWith(".")) return { kind: "hf-repo", repo: text };
  return { kind: "other", text };
}

/** The form the local engine loads, or undefined when the source is not a GGUF. */
export function ggufFormOf(kind: ModelSourceKind): string | undefined {
  switch (kind.kind) {
    case "gguf-path":
      return kind.path;
    case "hf-gguf":
      return kind.uri;
    case "url":
      return kind.url;
    default:
      return undefined;
  }
}

/** A GGUF source to suggest for a Hugging Face repository of safetensors weights. */
export function suggestedGgufSource(repo: string): string {
  const base = repo.replace(/-GGUF$/i, "");
  return `hf:${base}-GGUF:Q4_K_M`;
}
