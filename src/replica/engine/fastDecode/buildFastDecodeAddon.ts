import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { FAST_DECODE_SOURCE_DIR, fastDecodeSourceFiles, type FastDecodeBuildIdentity } from "./fastDecodeBuildIdentity.js";

const run = promisify(execFile);

/** What `fastDecode.json` beside a built `fastDecode.node` records. */
export interface FastDecodeBuildMetadata {
  readonly nodeLlamaCppVersion: string;
  readonly llamaCppCommit: string;
  readonly compiler: string;
  readonly sourceHash: string;
  readonly key: string;
  readonly node: string;
}

export interface BuildFastDecodeAddonOptions {
  /** Extra compiler flags (`LLMSERVE_FAST_DECODE_CXXFLAGS`, e.g. `-g -fsanitize=address`). */
  readonly extraFlags?: readonly string[];
  /** Receives the compiler's output (quiet when absent). */
  readonly output?: "inherit" | "ignore";
}

/**
 * Compiles the fastDecode addon (native/fastDecode/*.cpp) into `outDir` (`fastDecode.node` + `fastDecode.json`),
 * in seconds: against the headers of the installed node-llama-cpp (its addon's *.h, the llama.cpp headers of the
 * source bundle it ships, node-addon-api) and this Node's headers. Links to no llama.cpp library, downloads nothing.
 * The directory appears whole or not at all (built beside it, then renamed).
 * @throws Error saying what is missing (compiler, git, headers) or the compiler's first error line.
 */
export async function buildFastDecodeAddon(identity: FastDecodeBuildIdentity, outDir: string, options: BuildFastDecodeAddonOptions = {}): Promise<FastDecodeBuildMetadata> {
  if (process.platform !== "linux") throw new Error(`the fastDecode addon is Linux-only for now (${process.platform})`);
  if (identity.compiler.version === undefined) {
    throw new Error(`no C++ compiler (${identity.compiler.command} cannot be run)`);
  }
  if (identity.llamaCppCommit === undefined) throw new Error("git cannot read node-llama-cpp's llama.cpp bundle (is git installed?)");
  await mkdir(dirname(outDir), { recursive: true });
  const workDir = await mkdtemp(join(dirname(outDir), `.${basename(outDir)}-`));
  try {
    const headersDir = join(workDir, "llama-headers");
    await extractLlamaHeaders(join(identity.nodeLlamaCppDir, "llama", "gitRelease.bundle"), identity.llamaCppCommit, headersDir);
    const sources = fastDecodeSourceFiles().filter((name) => name.endsWith(".cpp")).map((name) => join(FAST_DECODE_SOURCE_DIR, name));
    const args = [
      "-std=c++17", "-O2", "-fPIC", "-shared", "-fvisibility=hidden", "-fexceptions",
      "-DNAPI_VERSION=7", "-DNAPI_CPP_EXCEPTIONS",
      "-I", join(identity.nodeLlamaCppDir, "llama", "addon"),
      "-I", join(headersDir, "include"),
      "-I", join(headersDir, "ggml", "include"),
      "-I", nodeAddonApiDir(identity.nodeLlamaCppDir),
      "-I", nodeHeadersDir(),
      ...(options.extraFlags ?? []),
      "-pthread", ...sources, "-o", join(workDir, "fastDecode.node"), "-ldl",
    ];
    try {
      const child = run(identity.compiler.command, args, { maxBuffer: 64 * 1024 * 1024 });
      if (options.output === "inherit") {
        child.child.stdout?.pipe(process.stderr);
        child.child.stderr?.pipe(process.stderr);
      }
      await child;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? "";
      const firstError = stderr.split("\n").find((line) => /error/i.test(line)) ?? (error instanceof Error ? error.message.split("\n")[0] : String(error));
      throw new Error(`the compiler failed: ${firstError}`);
    }
    await rm(headersDir, { recursive: true, force: true });
    const metadata: FastDecodeBuildMetadata = {
      nodeLlamaCppVersion: identity.nodeLlamaCppVersion,
      llamaCppCommit: identity.llamaCppCommit,
      compiler: identity.compiler.version,
      sourceHash: identity.sourceHash,
      key: identity.key,
      node: process.version,
    };
    await writeFile(join(workDir, "fastDecode.json"), `${JSON.stringify(metadata, null, 2)}\n`);
    await rm(outDir, { recursive: true, force: true });
    await rename(workDir, outDir);
    return metadata;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Extracts include/ and ggml/include/ of the bundled llama.cpp commit into `outDir` (git only, no network). */
async function extractLlamaHeaders(bundle: string, commit: string, outDir: string): Promise<void> {
  const gitDir = await mkdtemp(join(tmpdir(), "llmserve-llama-bundle-"));
  try {
    await run("git", ["init", "--quiet", "--bare", gitDir]);
    await run("git", ["--git-dir", gitDir, "bundle", "unbundle", bundle]);
    await mkdir(outDir, { recursive: true });
    await run("git", ["--git-dir", gitDir, "--work-tree", outDir, "checkout", commit, "--", "include", "ggml/include"]);
  } finally {
    await rm(gitDir, { recursive: true, force: true });
  }
}

function nodeHeadersDir(): string {
  const candidates = [
    process.env["npm_config_nodedir"] !== undefined ? join(process.env["npm_config_nodedir"], "include", "node") : undefined,
    resolve(dirname(process.execPath), "..", "include", "node"),
    join(homedir(), ".cache", "node-gyp", process.versions.node, "include", "node"),
    "/usr/include/node",
    "/usr/local/include/node",
  ].filter((dir): dir is string => dir !== undefined);
  const found = candidates.find((dir) => existsSync(join(dir, "node_api.h")));
  if (found === undefined) throw new Error(`no Node headers (node_api.h) in ${candidates.join(", ")}`);
  return found;
}

function nodeAddonApiDir(fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, "node_modules", "node-addon-api"), join(dir, "node-addon-api")]) {
      if (existsSync(join(candidate, "napi.h"))) return candidate;
    }
    if (dirname(dir) === dir) throw new Error("node-addon-api (a node-llama-cpp dependency) is not installed");
  }
}
