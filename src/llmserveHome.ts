import { homedir } from "node:os";
import { join } from "node:path";

/** Where llmserve keeps its state, logs and model cache: `$LLMSERVE_HOME`, else `~/.llmserve`. */
export function llmserveHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env["LLMSERVE_HOME"];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : join(homedir(), ".llmserve");
}
