import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDemoModel } from "./models/ensureDemoModel.js";
import { REPO_ROOT } from "./helpers/cli.js";

/** Once before every test file: the demo example's model must exist for the examples to validate on a fresh clone. */
export function setup(): () => void {
  ensureDemoModel(join(REPO_ROOT, "examples", "models", "scripted-reasoning.gguf"));
  // vitest.config.ts points LLAMA_CACHE at this run's own hub cache
  return () => rmSync(join(tmpdir(), `llmserve-test-hub-${process.pid}`), { recursive: true, force: true });
}
