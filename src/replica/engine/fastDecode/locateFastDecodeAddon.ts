import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withFileLock } from "../../download/withFileLock.js";
import { buildFastDecodeAddon } from "./buildFastDecodeAddon.js";
import { fastDecodeBuildIdentity, fastDecodeSourceIdentity, type FastDecodeBuildIdentity } from "./fastDecodeBuildIdentity.js";
import { isOff } from "./isOff.js";

/** Where `npm install` (postinstall) or `npm run build` puts the addon: inside the package. */
export const PACKAGE_BUILD_DIR = fileURLToPath(new URL("../../../../native/fastDecode/build/", import.meta.url));

/** How to get the fast path back when the addon cannot be built; part of every such warning. */
export const FAST_DECODE_FIX =
  "install a C++ compiler and git (Debian/Ubuntu: sudo apt-get install g++ git; Fedora: sudo dnf install gcc-c++ git), " +
  "then start the replicas again (llmserve shutdown -y, llmserve run ...); llmserve doctor shows the result";

export type FastDecodeAddonLocation =
  | {
      readonly ok: true;
      readonly dir: string;
      /** `package`: built at install; `cache`: built at an earlier first start; `built`: built just now. */
      readonly origin: "package" | "cache" | "built";
    }
  | {
      readonly ok: false;
      readonly reason: string;
      /** Set when the user should act (a missing compiler, a failed build); absent when switched off on purpose. */
      readonly warning?: string;
    };

export interface LocateFastDecodeAddonOptions {
  /** `$LLMSERVE_HOME`: builds made on first use go to `native/<key>/` under it. */
  readonly home: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
  /** Called (once) when a build starts, i.e. when the replica should report a `building` phase. */
  readonly onBuilding?: () => void;
  readonly signal?: AbortSignal;
  /** Only look: report what a replica would find, never build (`llmserve doctor`). */
  readonly lookOnly?: boolean;
  /** For tests: the package's own build directory. */
  readonly packageBuildDir?: string;
}

/**
 * Finds a fastDecode addon built for the installed node-llama-cpp and these sources, building it when none is:
 * the package's own build (made at install), else `$LLMSERVE_HOME/native/<key>/` (key: node-llama-cpp version,
 * llama.cpp commit, compiler, sources), else it compiles into that directory (seconds) under a lock file, so
 * replicas starting together build it once. Never throws: without a compiler or when the build fails, `ok: false`
 * with a warning that says the stock (slow) path runs and how to fix it.
 */
export async function locateFastDecodeAddon(options: LocateFastDecodeAddonOptions): Promise<FastDecodeAddonLocation> {
  const env = options.env ?? process.env;
  if (isOff(env["LLMSERVE_FAST_DECODE"])) return { ok: false, reason: "disabled by LLMSERVE_FAST_DECODE" };
  const packageDir = options.packageBuildDir ?? PACKAGE_BUILD_DIR;
  let identity: FastDecodeBuildIdentity;
  try {
    // The usual case, the build made at install, needs no compiler or git run.
    if (isBuildFor(packageDir, fastDecodeSourceIdentity())) return { ok: true, dir: packageDir, origin: "package" };
    identity = await fastDecodeBuildIdentity(env);
  } catch (error) {
    return unavailable(`cannot read what the addon depends on: ${messageOf(error)}`);
  }
  const cacheRoot = join(options.home, "native");
  const cacheDir = join(cacheRoot, identity.key);
  if (isBuildFor(cacheDir, identity)) return { ok: true, dir: cacheDir, origin: "cache" };
  if (identity.compiler.version === undefined) {
    // A build made earlier with another compiler still fits this node-llama-cpp and these sources.
    const other = anyCachedBuild(cacheRoot, identity);
    if (other !== undefined) return { ok: true, dir: other, origin: "cache" };
  }
  if (env["LLMSERVE_SKIP_FAST_DECODE_BUILD"] === "1") return unavailable("not built and LLMSERVE_SKIP_FAST_DECODE_BUILD=1");
  if (options.lookOnly === true && identity.compiler.version !== undefined) {
    return { ok: false, reason: "not built yet: the first replica start builds it (seconds)" };
  }
  if (identity.compiler.version === undefined) {
    return unavailable(`not built, and no C++ compiler (${identity.compiler.command} cannot be run)`);
  }
  try {
    return await withFileLock(`${cacheDir}.lock`, options.signal, async () => {
      if (isBuildFor(cacheDir, identity)) return { ok: true, dir: cacheDir, origin: "cache" } as const;
      options.onBuilding?.();
      options.log?.(`building the fastDecode addon into ${cacheDir} (once per node-llama-cpp version, compiler and llmserve version)`);
      const started = Date.now();
      const extraFlags = (env["LLMSERVE_FAST_DECODE_CXXFLAGS"] ?? "").split(/\s+/).filter(Boolean);
      await buildFastDecodeAddon(identity, cacheDir, { extraFlags });
      options.log?.(`built the fastDecode addon in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return { ok: true, dir: cacheDir, origin: "built" } as const;
    });
  } catch (error) {
    if (options.signal?.aborted === true) return { ok: false, reason: "aborted" };
    return unavailable(`the build failed: ${messageOf(error)}`);
  }
}

function unavailable(reason: string): FastDecodeAddonLocation {
  return {
    ok: false,
    reason: `fastDecode addon: ${reason}`,
    warning: `the fastDecode addon is missing (${reason}): node-llama-cpp's stock decode loop runs, many times slower per token; ${FAST_DECODE_FIX}`,
  };
}

function isBuildFor(dir: string, identity: Pick<FastDecodeBuildIdentity, "nodeLlamaCppVersion" | "sourceHash">): boolean {
  try {
    if (!existsSync(join(dir, "fastDecode.node"))) return false;
    const metadata = JSON.parse(readFileSync(join(dir, "fastDecode.json"), "utf8")) as { nodeLlamaCppVersion?: unknown; sourceHash?: unknown };
    return metadata.nodeLlamaCppVersion === identity.nodeLlamaCppVersion && metadata.sourceHash === identity.sourceHash;
  } catch {
    return false;
  }
}

function anyCachedBuild(cacheRoot: string, identity: FastDecodeBuildIdentity): string | undefined {
  let names: string[];
  try {
    names = readdirSync(cacheRoot);
  } catch {
    return undefined;
  }
  return names.map((name) => join(cacheRoot, name)).find((dir) => !dir.endsWith(".lock") && isBuildFor(dir, identity));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0] ?? error.message : String(error);
}
