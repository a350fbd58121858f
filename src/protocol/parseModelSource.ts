import { isAbsolute, resolve } from "node:path";
import type { ModelSource } from "./ModelSource.js";

const HF_PREFIX = /^(?:hf:\/\/|hf:|huggingface:)/;

/**
 * Parses `hf:owner/repo/path/file.gguf[#revision]`, `hf:owner/repo:QUANT` (or `hf:owner/repo`, meaning the
 * repository's default GGUF), http(s) URLs, and local paths (relative ones against `baseDir`).
 * @throws Error with a message naming the accepted forms.
 */
export function parseModelSource(source: string, baseDir: string = process.cwd()): ModelSource {
  if (/^https?:\/\//i.test(source)) return { kind: "url", url: source };
  if (HF_PREFIX.test(source)) {
    const rest = source.replace(HF_PREFIX, "");
    const [pathPart = "", revision = "main"] = rest.split("#", 2);
    const segments = pathPart.split("/").filter((segment) => segment !== "");
    const [owner, repoWithQuant] = segments;
    if (owner === undefined || repoWithQuant === undefined) throw badHf(source);
    if (segments.length >= 3) {
      const file = segments.slice(2).join("/");
      if (!file.toLowerCase().endsWith(".gguf")) throw badHf(source);
      return { kind: "hf-file", owner, repo: repoWithQuant, file, revision };
    }
    const [repo = "", quant = "latest"] = repoWithQuant.split(":", 2);
    if (repo === "" || quant === "") throw badHf(source);
    return { kind: "hf-quant", owner, repo, quant };
  }
  return { kind: "local", path: isAbsolute(source) ? source : resolve(baseDir, source) };
}

function badHf(source: string): Error {
  return new Error(
    `cannot read the model source ${JSON.stringify(source)}: expected hf:owner/repo/file.gguf, hf:owner/repo:QUANT, an https URL or a local path`,
  );
}
