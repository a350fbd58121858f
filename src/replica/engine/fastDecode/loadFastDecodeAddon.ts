import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastDecodeAddon } from "./FastDecodeAddon.js";

export type FastDecodeAddonLoad =
  | { readonly ok: true; readonly addon: FastDecodeAddon }
  | { readonly ok: false; readonly reason: string };

/** Same depth from src/ and dist/: <root>/{src,dist}/replica/engine/fastDecode/ -> <root>/native/fastDecode/build. */
const BUILD_DIR = fileURLToPath(new URL("../../../../native/fastDecode/build/", import.meta.url));

/**
 * Loads the addon built at install time by scripts/buildFastDecode.mjs, but only when it was built against the
 * node-llama-cpp version installed now (it reads that version's internal object layout). Never throws.
 */
export function loadFastDecodeAddon(buildDir: string = BUILD_DIR): FastDecodeAddonLoad {
  const addonPath = join(buildDir, "fastDecode.node");
  const metadataPath = join(buildDir, "fastDecode.json");
  if (!existsSync(addonPath) || !existsSync(metadataPath)) {
    return { ok: false, reason: "the fastDecode addon is not built (run `node scripts/buildFastDecode.mjs`)" };
  }
  try {
    const builtFor = (JSON.parse(readFileSync(metadataPath, "utf8")) as { nodeLlamaCppVersion?: unknown }).nodeLlamaCppVersion;
    const installed = installedNodeLlamaCppVersion();
    if (builtFor !== installed) {
      return { ok: false, reason: `the fastDecode addon was built for node-llama-cpp ${String(builtFor)}, ${installed} is installed` };
    }
    const addon = createRequire(import.meta.url)(addonPath) as FastDecodeAddon;
    return { ok: true, addon };
  } catch (error) {
    return { ok: false, reason: `cannot load the fastDecode addon: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The version of the node-llama-cpp that `import "node-llama-cpp"` finds from here (the nearest node_modules). */
function installedNodeLlamaCppVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const packageJson = join(dir, "node_modules", "node-llama-cpp", "package.json");
    if (existsSync(packageJson)) return (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
    if (dirname(dir) === dir) throw new Error("node-llama-cpp is not installed");
  }
}
