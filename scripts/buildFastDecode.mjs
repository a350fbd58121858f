#!/usr/bin/env node
// Compiles llmserve's fastDecode addon (native/fastDecode/*.cpp) into native/fastDecode/build/, in seconds: at
// install (postinstall) and at the end of `npm run build`. Any failure leaves no addon behind and exits 0: a
// replica then builds it on its first start (into $LLMSERVE_HOME/native/) or, without a compiler, runs
// node-llama-cpp's stock decode path and says so in its log and in `llmserve status`.
//
//   node scripts/buildFastDecode.mjs [--force] [--quiet]
// Environment: CXX (compiler, default c++), LLMSERVE_FAST_DECODE_CXXFLAGS (extra flags, e.g. -g -fsanitize=address
// for debugging; rebuild with --force), LLMSERVE_SKIP_FAST_DECODE_BUILD=1 (skip).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const compiled = path.join(root, "dist", "replica", "engine", "fastDecode");
const buildDir = path.join(root, "native", "fastDecode", "build");
const force = process.argv.includes("--force");
const quiet = process.argv.includes("--quiet");

function say(line) {
  if (!quiet) console.error(`llmserve: ${line}`);
}

async function build() {
  if (process.env.LLMSERVE_SKIP_FAST_DECODE_BUILD === "1") return "skipped (LLMSERVE_SKIP_FAST_DECODE_BUILD=1)";
  // In a fresh clone, npm runs postinstall before `prepare` has compiled dist/; `npm run build` then calls this again.
  if (!existsSync(path.join(compiled, "buildFastDecodeAddon.js"))) return "skipped until `npm run build` has compiled dist/";
  const { fastDecodeBuildIdentity } = await import(pathToFileURL(path.join(compiled, "fastDecodeBuildIdentity.js")).href);
  const { buildFastDecodeAddon } = await import(pathToFileURL(path.join(compiled, "buildFastDecodeAddon.js")).href);
  const identity = await fastDecodeBuildIdentity();
  if (!force) {
    try {
      const metadata = JSON.parse(readFileSync(path.join(buildDir, "fastDecode.json"), "utf8"));
      if (existsSync(path.join(buildDir, "fastDecode.node")) && metadata.nodeLlamaCppVersion === identity.nodeLlamaCppVersion && metadata.sourceHash === identity.sourceHash) {
        return `up to date (node-llama-cpp ${identity.nodeLlamaCppVersion})`;
      }
    } catch {
      // not built yet
    }
  }
  const extraFlags = (process.env.LLMSERVE_FAST_DECODE_CXXFLAGS ?? "").split(/\s+/).filter(Boolean);
  const started = Date.now();
  await buildFastDecodeAddon(identity, buildDir, { extraFlags, output: quiet ? "ignore" : "inherit" });
  return `built ${path.relative(root, buildDir)}/fastDecode.node in ${((Date.now() - started) / 1000).toFixed(1)} s (node-llama-cpp ${identity.nodeLlamaCppVersion}, llama.cpp ${identity.llamaCppCommit.slice(0, 7)})`;
}

try {
  say(`fast decode addon: ${await build()}`);
} catch (error) {
  const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
  say(`fast decode addon not built (${reason}); a replica builds it on its first start when it can, else runs node-llama-cpp's stock decode path`);
}
