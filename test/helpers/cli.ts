import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa, type Options, type Result } from "execa";

/** Absolute path of the repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The built CLI entry, exactly what `npx llmserve` runs. */
export const LLMSERVE_BIN = join(REPO_ROOT, "bin", "llmserve.js");

/** A private LLMSERVE_HOME for one test file; call `remove()` in teardown. */
export function createTempHome(prefix = "llmserve-test-"): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Runs `llmserve ...args` to completion and returns its exit code and output; never throws on a non-zero exit. */
export async function runCli(args: readonly string[], options: Options & { home?: string } = {}): Promise<Result> {
  const { home, env, ...rest } = options;
  return execa(process.execPath, [LLMSERVE_BIN, ...args], {
    reject: false,
    cwd: REPO_ROOT,
    env: { ...env, ...(home !== undefined ? { LLMSERVE_HOME: home } : {}), NO_COLOR: "1" },
    timeout: 120_000,
    ...rest,
  });
}
