// Builds the reference llama.cpp binaries (llama-server, llama-bench) from the very source node-llama-cpp ships
// (node_modules/node-llama-cpp/llama/gitRelease.bundle), outside the repository. Idempotent: a finished build is
// reused. Never commits or copies llama.cpp into the repo.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The llama.cpp source node-llama-cpp builds from (a git bundle). */
export function bundledLlamaCppBundle() {
  const entry = fileURLToPath(import.meta.resolve("node-llama-cpp")); // .../node-llama-cpp/dist/index.js
  return path.join(path.dirname(path.dirname(entry)), "llama", "gitRelease.bundle");
}

/** Commit of the bundle's HEAD (short hash). */
export function bundledLlamaCppCommit() {
  const out = execFileSync("git", ["bundle", "list-heads", bundledLlamaCppBundle()], { encoding: "utf8" });
  const first = out.trim().split("\n")[0] ?? "";
  return first.slice(0, 7);
}

/** Where the reference build lives: $LLMSERVE_BENCH_LLAMA_CPP_DIR, else ~/.cache/llmserve-bench/llama.cpp-COMMIT. */
export function llamaCppBuildDir(commit = bundledLlamaCppCommit()) {
  return process.env.LLMSERVE_BENCH_LLAMA_CPP_DIR ?? path.join(os.homedir(), ".cache", "llmserve-bench", `llama.cpp-${commit}`);
}

function run(command, args, cwd, log) {
  log(`$ ${[command, ...args].join(" ")}`);
  const result = spawnSync(command, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
}

/**
 * Clones the bundle, configures (CPU, -DGGML_NATIVE=ON, no curl) and builds llama-server and llama-bench with
 * `nice -n 19`. Set LLMSERVE_BENCH_CMAKE_ARGS to add cmake options (for example `-DGGML_CUDA=ON` on a GPU machine).
 * Returns `{ dir, commit, server, bench }`.
 */
export function buildLlamaCpp({ log = (line) => console.error(line), jobs = os.availableParallelism() } = {}) {
  const commit = bundledLlamaCppCommit();
  const dir = llamaCppBuildDir(commit);
  const server = path.join(dir, "build", "bin", "llama-server");
  const bench = path.join(dir, "build", "bin", "llama-bench");
  if (existsSync(server) && existsSync(bench)) return { dir, commit, server, bench };
  if (!existsSync(path.join(dir, "CMakeLists.txt"))) {
    run("git", ["clone", "--quiet", bundledLlamaCppBundle(), dir], undefined, log);
  }
  if (!existsSync(path.join(dir, "build", "CMakeCache.txt"))) {
    const extra = (process.env.LLMSERVE_BENCH_CMAKE_ARGS ?? "").split(/\s+/).filter(Boolean);
    run("cmake", ["-B", "build", "-DCMAKE_BUILD_TYPE=Release", "-DLLAMA_CURL=OFF", "-DGGML_NATIVE=ON", ...extra], dir, log);
  }
  run("nice", ["-n", "19", "cmake", "--build", "build", "--target", "llama-server", "llama-bench", `-j${jobs}`], dir, log);
  return { dir, commit, server, bench };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = buildLlamaCpp();
  console.log(JSON.stringify(result));
}
