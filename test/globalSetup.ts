import { join } from "node:path";
import { ensureDemoModel } from "./models/ensureDemoModel.js";
import { REPO_ROOT } from "./helpers/cli.js";

/** Once before every test file: the demo example's model must exist for the examples to validate on a fresh clone. */
export function setup(): void {
  ensureDemoModel(join(REPO_ROOT, "examples", "models", "scripted-reasoning.gguf"));
}
