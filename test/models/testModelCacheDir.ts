import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** Where generated test models are cached: `$LLMSERVE_TEST_MODELS`, else `<os tmpdir>/llmserve-test-models`. */
export function testModelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.LLMSERVE_TEST_MODELS;
  return configured ? resolve(configured) : join(tmpdir(), "llmserve-test-models");
}
