import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Same depth from src/ and dist/: <root>/{src,dist}/replica/engine/fastDecode/ -> <root>/native/fastDecode. */
export const FAST_DECODE_SOURCE_DIR = fileURLToPath(new URL("../../../../native/fastDecode/", import.meta.url));

/** What a fastDecode addon build depends on: a build is reused only while all of it is the same. */
export interface FastDecodeBuildIdentity {
  /** The installed node-llama-cpp's directory, version and the llama.cpp commit it bundles (its headers). */
  readonly nodeLlamaCppDir: string;
  readonly nodeLlamaCppVersion: string;
  readonly llamaCppCommit: string | undefined;
  /** `$CXX`, else `c++`; `version` is undefined when it cannot be run. */
  readonly compiler: { readonly command: string; readonly version: string | undefined };
  /** Hash of every native source and header of the addon. */
  readonly sourceHash: string;
  /**
   * Directory name of a cached build: node-llama-cpp version, llama.cpp commit, compiler and sources, e.g.
   * `fastDecode-3.22.1-de3ff81-1a2b3c4d-40ea732f`.
   */
  readonly key: string;
}

/** What any usable build must match, read without running anything: node-llama-cpp and the addon's sources. */
export function fastDecodeSourceIdentity(): Pick<FastDecodeBuildIdentity, "nodeLlamaCppDir" | "nodeLlamaCppVersion" | "sourceHash"> {
  const nodeLlamaCppDir = findNodeLlamaCppDir();
  const nodeLlamaCppVersion = (JSON.parse(readFileSync(join(nodeLlamaCppDir, "package.json"), "utf8")) as { version: string }).version;
  return { nodeLlamaCppDir, nodeLlamaCppVersion, sourceHash: hashSources() };
}

/** Reads the identity of the addon a build would make now (runs `$CXX --version` and `git bundle list-heads`). */
export async function fastDecodeBuildIdentity(env: NodeJS.ProcessEnv = process.env): Promise<FastDecodeBuildIdentity> {
  const { nodeLlamaCppDir, nodeLlamaCppVersion, sourceHash } = fastDecodeSourceIdentity();
  const command = env["CXX"] !== undefined && env["CXX"] !== "" ? env["CXX"] : "c++";
  const [compilerVersion, llamaCppCommit] = await Promise.all([
    firstLine(command, ["--version"]),
    firstLine("git", ["bundle", "list-heads", join(nodeLlamaCppDir, "llama", "gitRelease.bundle")]).then((line) => {
      const commit = line?.split(/\s+/)[0];
      return commit !== undefined && /^[0-9a-f]{40}$/.test(commit) ? commit : undefined;
    }),
  ]);
  const compilerHash = createHash("sha256").update(`${command}\n${compilerVersion ?? ""}`).digest("hex").slice(0, 8);
  return {
    nodeLlamaCppDir,
    nodeLlamaCppVersion,
    llamaCppCommit,
    compiler: { command, version: compilerVersion },
    sourceHash,
    key: `fastDecode-${nodeLlamaCppVersion}-${llamaCppCommit?.slice(0, 7) ?? "unknown"}-${compilerHash}-${sourceHash.slice(0, 8)}`,
  };
}

/** Every source and header of the addon, sorted: all of it is hashed, the .cpp files are compiled. */
export function fastDecodeSourceFiles(sourceDir: string = FAST_DECODE_SOURCE_DIR): string[] {
  return readdirSync(sourceDir).filter((name) => /\.(cpp|h)$/.test(name)).sort();
}

function hashSources(): string {
  const hash = createHash("sha256");
  for (const file of fastDecodeSourceFiles()) hash.update(file).update(readFileSync(join(FAST_DECODE_SOURCE_DIR, file)));
  return hash.digest("hex").slice(0, 16);
}

/** The node-llama-cpp that `import "node-llama-cpp"` finds from here (the nearest node_modules up the tree). */
function findNodeLlamaCppDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", "node-llama-cpp");
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error("node-llama-cpp is not installed");
  }
}

async function firstLine(command: string, args: readonly string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run(command, args, { timeout: 10_000 });
    return stdout.split("\n", 1)[0]?.trim() || undefined;
  } catch {
    return undefined;
  }
}
