import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { ensureScriptedReasoningModel } from "./ensureScriptedReasoningModel.js";

/**
 * Puts the scripted reasoning model where `examples/demo-scripted.yaml` expects it (`examples/models/`), so that the
 * demo and the examples' tests run offline on a fresh clone. Copies only when the file there differs.
 */
export function ensureDemoModel(targetPath: string): string {
  const source = ensureScriptedReasoningModel();
  if (existsSync(targetPath) && readFileSync(targetPath).equals(readFileSync(source))) return targetPath;
  mkdirSync(dirname(targetPath), { recursive: true });
  const temporary = `${targetPath}.${process.pid}.tmp`;
  copyFileSync(source, temporary);
  renameSync(temporary, targetPath);
  return targetPath;
}
