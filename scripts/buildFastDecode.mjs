#!/usr/bin/env node
// Compiles llmserve's fastDecode addon (native/fastDecode/fastDecode.cpp) at install time, in seconds: one C++
// file, against the headers of the installed node-llama-cpp (its addon's *.h, the llama.cpp headers from the source
// bundle it ships, node-addon-api) and this Node's headers. It links to no llama.cpp library and downloads
// nothing. Any failure leaves no addon behind and exits 0: llmserve then uses node-llama-cpp's stock decode path.
//
//   node scripts/buildFastDecode.mjs [--force] [--quiet]
// Environment: CXX (compiler, default c++), LLMSERVE_FAST_DECODE_CXXFLAGS (extra flags, e.g. -g -fsanitize=address
// for debugging; rebuild with --force), LLMSERVE_SKIP_FAST_DECODE_BUILD=1 (skip).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sourceDir = path.join(root, "native", "fastDecode");
/** Every source and header of the addon, sorted: all of it is hashed, the .cpp files are compiled. */
const nativeFiles = readdirSync(sourceDir).filter((name) => /\.(cpp|h)$/.test(name)).sort();
const buildDir = path.join(root, "native", "fastDecode", "build");
const addonFile = path.join(buildDir, "fastDecode.node");
const metadataFile = path.join(buildDir, "fastDecode.json");
const force = process.argv.includes("--force");
const quiet = process.argv.includes("--quiet");

function say(line) {
  if (!quiet) console.error(`llmserve: ${line}`);
}

function nodeLlamaCppDir() {
  const entry = fileURLToPath(import.meta.resolve("node-llama-cpp")); // <dir>/dist/index.js
  return path.dirname(path.dirname(entry));
}

function nodeHeadersDir() {
  const candidates = [
    process.env.npm_config_nodedir && path.join(process.env.npm_config_nodedir, "include", "node"),
    path.resolve(path.dirname(process.execPath), "..", "include", "node"),
    path.join(os.homedir(), ".cache", "node-gyp", process.versions.node, "include", "node"),
    "/usr/include/node",
    "/usr/local/include/node",
  ].filter(Boolean);
  const found = candidates.find((dir) => existsSync(path.join(dir, "node_api.h")));
  if (found === undefined) throw new Error(`no Node headers (node_api.h) in ${candidates.join(", ")}`);
  return found;
}

function nodeAddonApiDir(fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    for (const candidate of [path.join(dir, "node_modules", "node-addon-api"), path.join(dir, "node-addon-api")]) {
      if (existsSync(path.join(candidate, "napi.h"))) return candidate;
    }
    if (path.dirname(dir) === dir) throw new Error("node-addon-api (a node-llama-cpp dependency) is not installed");
  }
}

/** Extracts include/ and ggml/include/ of the bundled llama.cpp commit into `outDir` (git only, no network). */
function extractLlamaHeaders(bundle, outDir) {
  const heads = execFileSync("git", ["bundle", "list-heads", bundle], { encoding: "utf8" });
  const commit = heads.trim().split(/\s+/)[0];
  if (!/^[0-9a-f]{40}$/.test(commit ?? "")) throw new Error(`cannot read the llama.cpp bundle ${bundle}`);
  const gitDir = mkdtempSync(path.join(os.tmpdir(), "llmserve-llama-bundle-"));
  try {
    execFileSync("git", ["init", "--quiet", "--bare", gitDir]);
    execFileSync("git", ["--git-dir", gitDir, "bundle", "unbundle", bundle], { stdio: "ignore" });
    mkdirSync(outDir, { recursive: true });
    execFileSync("git", ["--git-dir", gitDir, "--work-tree", outDir, "checkout", commit, "--", "include", "ggml/include"], {
      stdio: "ignore",
    });
  } finally {
    rmSync(gitDir, { recursive: true, force: true });
  }
  return commit;
}

/** Changes whenever a native source or header changes, so a checkout with new sources rebuilds. */
function sourceHash() {
  const hash = createHash("sha256");
  for (const file of nativeFiles) {
    hash.update(file).update(readFileSync(path.join(sourceDir, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

function build() {
  if (process.env.LLMSERVE_SKIP_FAST_DECODE_BUILD === "1") return "skipped (LLMSERVE_SKIP_FAST_DECODE_BUILD=1)";
  if (process.platform !== "linux") return `skipped (${process.platform}: the addon is Linux-only for now)`;
  const nlcDir = nodeLlamaCppDir();
  const nlcVersion = JSON.parse(readFileSync(path.join(nlcDir, "package.json"), "utf8")).version;
  if (!force && existsSync(addonFile) && existsSync(metadataFile)) {
    const metadata = JSON.parse(readFileSync(metadataFile, "utf8"));
    if (metadata.nodeLlamaCppVersion === nlcVersion && metadata.sourceHash === sourceHash()) {
      return `up to date (node-llama-cpp ${nlcVersion})`;
    }
  }
  rmSync(buildDir, { recursive: true, force: true });
  const headersDir = path.join(buildDir, "llama-headers");
  const commit = extractLlamaHeaders(path.join(nlcDir, "llama", "gitRelease.bundle"), headersDir);
  const addonSourceDir = path.join(nlcDir, "llama", "addon");
  const compiler = process.env.CXX || "c++";
  const args = [
    "-std=c++17", "-O2", "-fPIC", "-shared", "-fvisibility=hidden", "-fexceptions",
    "-DNAPI_VERSION=7", "-DNAPI_CPP_EXCEPTIONS",
    "-I", addonSourceDir,
    "-I", path.join(headersDir, "include"),
    "-I", path.join(headersDir, "ggml", "include"),
    "-I", nodeAddonApiDir(nlcDir),
    "-I", nodeHeadersDir(),
    ...(process.env.LLMSERVE_FAST_DECODE_CXXFLAGS ?? "").split(/\s+/).filter(Boolean),
    "-pthread", ...nativeFiles.filter((name) => name.endsWith(".cpp")).map((name) => path.join(sourceDir, name)), "-o", `${addonFile}.tmp`, "-ldl",
  ];
  execFileSync(compiler, args, { stdio: quiet ? "ignore" : ["ignore", "inherit", "inherit"] });
  renameSync(`${addonFile}.tmp`, addonFile);
  writeFileSync(metadataFile, `${JSON.stringify({ nodeLlamaCppVersion: nlcVersion, llamaCppCommit: commit, node: process.version, sourceHash: sourceHash() }, null, 2)}\n`);
  rmSync(headersDir, { recursive: true, force: true });
  return `built ${path.relative(root, addonFile)} (node-llama-cpp ${nlcVersion}, llama.cpp ${commit.slice(0, 7)})`;
}

try {
  say(`fast decode addon: ${build()}`);
} catch (error) {
  rmSync(buildDir, { recursive: true, force: true });
  const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
  say(`fast decode addon not built (${reason}); node-llama-cpp's stock decode path will be used`);
}
