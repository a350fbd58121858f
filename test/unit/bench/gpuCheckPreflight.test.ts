import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTempHome, REPO_ROOT } from "../../helpers/cli.js";

/**
 * bench/gpu-check.sh's preflight on a machine without a GPU (CI, this one): each missing requirement is named in one
 * line and the script stops at once with exit 2. The script is copied into a scratch clone whose node_modules and
 * dist are made to order; `nvidia-smi` there is a stub printing a CSV (the preflight only asks whether a GPU is
 * listed: nothing here measures or claims a GPU figure).
 */
describe("bench/gpu-check.sh preflight", () => {
  const scratch = createTempHome("llmserve-gpu-check-");
  afterAll(() => scratch.remove());
  let caseIndex = 0;

  interface Clone {
    nodeModules?: boolean;
    cudaLibrary?: boolean;
    dist?: boolean;
  }
  /** A scratch clone holding the script, with the parts asked for; returns its root. */
  function clone(parts: Clone): string {
    const root = join(scratch.path, `clone-${caseIndex++}`);
    mkdirSync(join(root, "bench"), { recursive: true });
    copyFileSync(join(REPO_ROOT, "bench", "gpu-check.sh"), join(root, "bench", "gpu-check.sh"));
    if (parts.nodeModules) mkdirSync(join(root, "node_modules", "node-llama-cpp"), { recursive: true });
    if (parts.cudaLibrary) {
      const bins = join(root, "node_modules", "@node-llama-cpp", "linux-x64-cuda", "bins", "linux-x64-cuda");
      mkdirSync(bins, { recursive: true });
      writeFileSync(join(bins, "libggml-cuda.so"), "");
    }
    if (parts.dist) {
      mkdirSync(join(root, "dist", "cli"), { recursive: true });
      writeFileSync(join(root, "dist", "cli", "main.js"), "");
      mkdirSync(join(root, "dist-testmodels"));
    }
    return root;
  }

  /** A PATH of links to this machine's tools, without `without`, plus a stub nvidia-smi listing one GPU if asked. */
  function toolPath(options: { gpu: boolean; without?: string[] }): string {
    const bin = join(scratch.path, `bin-${caseIndex++}`);
    mkdirSync(bin);
    const tools = ["bash", "env", "date", "tee", "mkdir", "cat", "wc", "head", "tr", "find", "sed", "nproc", "timeout", "dirname", "grep", "rm", "node", "npm", "c++"];
    for (const tool of tools.filter((name) => !options.without?.includes(name))) {
      const found = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
      if (found !== "") symlinkSync(found, join(bin, tool));
    }
    if (options.gpu) {
      writeFileSync(join(bin, "nvidia-smi"), "#!/bin/sh\necho 'index, name, memory.total [MiB], memory.used [MiB], driver_version'\necho '0, Stub GPU, 81559 MiB, 0 MiB, 580.0'\n");
      chmodSync(join(bin, "nvidia-smi"), 0o755);
    }
    return bin;
  }

  function preflight(root: string, path: string, env: Record<string, string> = {}) {
    const out = join(root, "out");
    const started = performance.now();
    const result = spawnSync(join(path, "bash"), [join(root, "bench", "gpu-check.sh"), "--preflight", out], {
      encoding: "utf8",
      env: { PATH: path, HOME: scratch.path, LLMSERVE_GPU_CHECK_INSTALL: "clone", ...env },
      timeout: 30_000,
    });
    return { status: result.status, stderr: result.stderr, summary: readFileSync(join(out, "summary.md"), "utf8"), seconds: (performance.now() - started) / 1000 };
  }

  it("should stop at once with exit 2 and say that there is no GPU when nvidia-smi is absent", () => {
    const result = preflight(clone({ nodeModules: true, cudaLibrary: true, dist: true }), toolPath({ gpu: false }));
    expect(result.status).toBe(2);
    expect(result.summary).toContain("- not ready: 1 requirement(s) missing:");
    expect(result.summary).toContain("nvidia-smi is not on PATH: this is not an NVIDIA machine");
    expect(result.stderr).toContain("gpu-check: missing: nvidia-smi is not on PATH");
    expect(result.seconds).toBeLessThan(15);
  });

  it("should name every missing piece of a bare copy of the working tree, as a lent machine gets it", () => {
    const result = preflight(clone({}), toolPath({ gpu: true, without: ["node", "npm"] }));
    expect(result.status).toBe(2);
    expect(result.summary).toContain("- not ready: 3 requirement(s) missing:");
    expect(result.summary).toContain("node is not on PATH: Node >= 20.18 is needed");
    expect(result.summary).toMatch(/node_modules has no node-llama-cpp: run npm ci in the clone first/);
    expect(result.summary).toMatch(/dist or dist-testmodels is not built, and there is no TypeScript compiler/);
  });

  it("should refuse a node_modules without node-llama-cpp's CUDA binaries: the replicas would run on the CPU", () => {
    const result = preflight(clone({ nodeModules: true, dist: true }), toolPath({ gpu: true }));
    expect(result.status).toBe(2);
    expect(result.summary).toMatch(/node-llama-cpp has no CUDA build in .*node_modules .*replicas would run on the CPU/);
  });

  it("should be ready with the clone's own install when everything is there, and warn that without a compiler the stock loop runs", () => {
    const root = clone({ nodeModules: true, cudaLibrary: true, dist: true });
    const result = preflight(root, toolPath({ gpu: true, without: ["c++"] }));
    expect(result.status, result.summary + result.stderr).toBe(0);
    expect(result.summary).toContain("- node-llama-cpp CUDA binaries: node_modules/@node-llama-cpp/linux-x64-cuda/bins/linux-x64-cuda/libggml-cuda.so");
    expect(result.summary).toContain("- install: the clone's own install (no npm registry here: the packed-install step is skipped)");
    expect(result.summary).toContain("- warning: no C++ compiler (c++): the replicas run node-llama-cpp's stock decode loop");
    expect(result.summary).toMatch(/- preflight: ready \(\d+ s\)/);
    rmSync(join(root, "out"), { recursive: true });
    const forced = preflight(root, toolPath({ gpu: true, without: ["npm"] }), { LLMSERVE_GPU_CHECK_INSTALL: "registry" });
    expect(forced.status).toBe(2);
    expect(forced.summary).toContain("the npm registry cannot be reached, and LLMSERVE_GPU_CHECK_INSTALL=registry asks for an install from it");
  });
});
