// The GGUFs the engine bench runs: the generated test models (built from test/models) or any file by path.
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** Builds dist-testmodels/ (the TypeScript model generators) when it is missing. */
function testModels(root) {
  const dir = path.join(root, "dist-testmodels", "models");
  if (!existsSync(path.join(dir, "ensureBenchmarkModel.js"))) {
    execFileSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.testmodels.json"], {
      cwd: root,
      stdio: "inherit",
    });
  }
  return dir;
}

/**
 * Resolves a model argument: `loop` (the never-ending tiny model: per-token overhead), `254m` / `bench` (the
 * 254M-parameter benchmark model), `1.5b` (the 1.5B-parameter shape), or a path to a GGUF. Returns
 * `{ name, path, bytes, tokens }` where `tokens` is the default number of tokens per request.
 */
export async function resolveBenchModel(root, spec) {
  if (spec === "loop") {
    const { ensureLoopModel } = await import(pathToFileURL(path.join(testModels(root), "ensureLoopModel.js")).href);
    return describe("loop", ensureLoopModel(), 512);
  }
  if (spec === "bench" || spec === "254m" || spec === "1.5b") {
    const shape = spec === "1.5b" ? "1.5b" : "254m";
    const { ensureBenchmarkModel } = await import(pathToFileURL(path.join(testModels(root), "ensureBenchmarkModel.js")).href);
    return describe(`benchmark-${shape}`, ensureBenchmarkModel({ shape }), 64);
  }
  const file = path.resolve(spec);
  if (!existsSync(file)) throw new Error(`no such model: ${spec} (use loop, 254m, 1.5b or a .gguf path)`);
  return describe(path.basename(file), file, 64);
}

function describe(name, file, tokens) {
  return { name, path: file, bytes: statSync(file).size, tokens };
}
