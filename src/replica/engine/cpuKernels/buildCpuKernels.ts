import { execFile } from "node:child_process";
import { copyFile, mkdir, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { CpuKernelsIdentity } from "./cpuKernelsIdentity.js";
import { writeCpuKernelsRecord } from "./cpuKernelsRecord.js";

const run = promisify(execFile);

/**
 * Compiles only llama.cpp's CPU backend library (`libggml-cpu.so`, ggml's CPU kernels) for this machine's CPU
 * (`-march=native`) from the source node-llama-cpp bundles (its git bundle: no network), at the lowest priority,
 * into `<workDir>/libggml-cpu.so` plus its record (`cpuKernels.json`). It has the same ggml ABI as node-llama-cpp's prebuilt
 * libraries (same commit, `GGML_BACKEND_DL`, ggml's threadpool instead of OpenMP), so it replaces their generic CPU
 * variants. The checkout and build tree are removed afterwards; an interrupted build resumes where it stopped.
 */
export async function buildCpuKernels(identity: CpuKernelsIdentity, workDir: string, log: (line: string) => void): Promise<string> {
  const sourceDir = join(workDir, "llama.cpp");
  const buildDir = join(workDir, "build");
  await mkdir(workDir, { recursive: true });
  const started = Date.now();
  try {
    await run("git", ["-C", sourceDir, "rev-parse", "HEAD"]);
  } catch {
    await rm(sourceDir, { recursive: true, force: true });
    await run("git", ["clone", "--quiet", identity.bundle, sourceDir]);
  }
  await run("git", ["-C", sourceDir, "-c", "advice.detachedHead=false", "checkout", "--quiet", identity.llamaCppCommit]);
  const generator = identity.tools.ninja ? ["-G", "Ninja"] : [];
  await run("cmake", [
    "-S", sourceDir, "-B", buildDir, ...generator,
    "-DCMAKE_BUILD_TYPE=Release", "-DBUILD_SHARED_LIBS=ON", "-DGGML_BACKEND_DL=ON", "-DGGML_NATIVE=OFF",
    "-DGGML_OPENMP=OFF", "-DLLAMA_CURL=OFF", "-DLLAMA_BUILD_COMMON=OFF", "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_BUILD_TOOLS=OFF", "-DLLAMA_BUILD_SERVER=OFF",
    // GGML_NATIVE cannot be combined with GGML_BACKEND_DL in ggml's CMake; the compiler flag does the same.
    "-DCMAKE_C_FLAGS=-march=native", "-DCMAKE_CXX_FLAGS=-march=native",
    "-DCMAKE_PLATFORM_NO_VERSIONED_SONAME=ON", "-DCMAKE_BUILD_WITH_INSTALL_RPATH=ON", "-DCMAKE_INSTALL_RPATH=$ORIGIN",
  ], { maxBuffer: 64 * 1024 * 1024 });
  log(`CPU kernels: compiling ggml-cpu for this CPU in the background (nice 19, ${availableParallelism()} jobs)`);
  await run("nice", ["-n", "19", "cmake", "--build", buildDir, "--target", "ggml-cpu", "--parallel", String(availableParallelism())], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const library = join(workDir, "libggml-cpu.so");
  await copyFile(join(buildDir, "bin", "libggml-cpu.so"), library);
  const seconds = Math.round((Date.now() - started) / 1000);
  await writeCpuKernelsRecord(workDir, { key: identity.key, llamaCppCommit: identity.llamaCppCommit, buildSeconds: seconds });
  await rm(sourceDir, { recursive: true, force: true });
  await rm(buildDir, { recursive: true, force: true });
  log(`CPU kernels: compiled in ${seconds} s`);
  return library;
}
