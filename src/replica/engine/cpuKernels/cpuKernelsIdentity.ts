import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { fastDecodeBuildIdentity } from "../fastDecode/fastDecodeBuildIdentity.js";
import { LLAMA_CPP_BUILD_OPTIONS } from "../llamaCppBuildOptions.js";

const run = promisify(execFile);

/** What a CPU-kernels build depends on and where its pieces go. */
export interface CpuKernelsIdentity {
  readonly nodeLlamaCppVersion: string;
  readonly llamaCppCommit: string;
  /** node-llama-cpp's llama.cpp source bundle. */
  readonly bundle: string;
  /** node-llama-cpp's prebuilt CPU binaries for this platform (the addon and libraries the kernels join). */
  readonly prebuiltDir: string;
  /** node-llama-cpp's local-build folders (`<node-llama-cpp>/llama/localBuilds`): where a measurement stages its trials. */
  readonly localBuilds: string;
  /**
   * The local-build folder node-llama-cpp looks for first when asked for `LLAMA_CPP_BUILD_OPTIONS`
   * (`<node-llama-cpp>/llama/localBuilds/<platform>-<arch>-<options hash>`).
   */
  readonly localBuildDir: string;
  readonly tools: { readonly compiler: boolean; readonly cmake: boolean; readonly git: boolean; readonly ninja: boolean };
  /** `cpuKernels-<node-llama-cpp>-<commit>-<compiler and CPU hash>`: one build per machine type and compiler. */
  readonly key: string;
}

/** undefined where the build does not apply: not Linux x64, or NODE_LLAMA_CPP_CMAKE_OPTION_* set by the user. */
export async function cpuKernelsIdentity(env: NodeJS.ProcessEnv = process.env): Promise<CpuKernelsIdentity | undefined> {
  if (process.platform !== "linux" || process.arch !== "x64") return undefined;
  if (Object.keys(env).some((name) => name.startsWith("NODE_LLAMA_CPP_CMAKE_OPTION_"))) return undefined;
  const base = await fastDecodeBuildIdentity(env);
  if (base.llamaCppCommit === undefined) return undefined;
  let prebuiltDir: string;
  try {
    // <package>/dist/index.js: the package exports nothing else
    const entry = createRequire(join(base.nodeLlamaCppDir, "package.json")).resolve("@node-llama-cpp/linux-x64");
    prebuiltDir = join(dirname(dirname(entry)), "bins", "linux-x64");
  } catch {
    return undefined;
  }
  if (!existsSync(join(prebuiltDir, "llama-addon.node"))) return undefined;
  const [cmake, ninja] = await Promise.all([works("cmake", ["--version"]), works("ninja", ["--version"])]);
  const localBuilds = join(base.nodeLlamaCppDir, "llama", "localBuilds");
  const cpu = createHash("sha256").update(`${base.compiler.command}\n${base.compiler.version ?? ""}\n${cpuSignature()}`).digest("hex").slice(0, 8);
  return {
    nodeLlamaCppVersion: base.nodeLlamaCppVersion,
    llamaCppCommit: base.llamaCppCommit,
    bundle: join(base.nodeLlamaCppDir, "llama", "gitRelease.bundle"),
    prebuiltDir,
    localBuilds,
    localBuildDir: localBuildDirFor(localBuilds, LLAMA_CPP_BUILD_OPTIONS),
    tools: { compiler: base.compiler.version !== undefined, cmake, git: true, ninja },
    key: `cpuKernels-${base.nodeLlamaCppVersion}-${base.llamaCppCommit.slice(0, 7)}-${cpu}`,
  };
}

/**
 * The local-build folder under `localBuilds` that `getLlama({ build: "never", gpu: false, cmakeOptions: options })`
 * loads when it holds a finished build (else it loads the prebuilt binaries).
 */
export function localBuildDirFor(localBuilds: string, options: Readonly<Record<string, string>>): string {
  return join(localBuilds, `linux-x64-${optionsHash(options)}`);
}

/** node-llama-cpp's build folder hash of custom CMake options (getBuildFolderNameForBuildOptions, 3.22.1). */
function optionsHash(options: Readonly<Record<string, string>>): string {
  const text = Object.keys(options)
    .sort()
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(options[key]!)}`)
    .join(";");
  return Array.from(createHash("sha1").update(text).digest()).map((byte) => byte.toString(36)).join("");
}

/** The CPU model and its feature flags: `-march=native` output differs between them. */
function cpuSignature(): string {
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    const model = /^model name\s*:\s*(.*)$/m.exec(info)?.[1] ?? "";
    const flags = /^flags\s*:\s*(.*)$/m.exec(info)?.[1] ?? "";
    return `${model}\n${flags}`;
  } catch {
    return "";
  }
}

async function works(command: string, args: readonly string[]): Promise<boolean> {
  try {
    await run(command, args, { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
