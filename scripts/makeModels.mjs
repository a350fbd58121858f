#!/usr/bin/env node
// Generates a test model and prints its path: node scripts/makeModels.mjs <kind> [outDir]
// Kinds: scripted, tool-call, loop, embedding, bench (254M, ~485 MiB), bench-1.5b (~2.8 GiB).
// Needs `npm run build` first (it compiles test/gguf and test/models into dist-testmodels/).
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const models = join(root, "dist-testmodels", "models");

const kinds = {
  scripted: ["ensureScriptedReasoningModel.js", "ensureScriptedReasoningModel", {}],
  "tool-call": ["ensureScriptedToolCallModel.js", "ensureScriptedToolCallModel", {}],
  loop: ["ensureLoopModel.js", "ensureLoopModel", {}],
  embedding: ["ensureEmbeddingModel.js", "ensureEmbeddingModel", {}],
  bench: ["ensureBenchmarkModel.js", "ensureBenchmarkModel", { shape: "254m" }],
  "bench-1.5b": ["ensureBenchmarkModel.js", "ensureBenchmarkModel", { shape: "1.5b" }],
};

const [kind, outDir] = process.argv.slice(2);
if (!kind || !(kind in kinds)) {
  console.error(`usage: node scripts/makeModels.mjs <${Object.keys(kinds).join("|")}> [outDir]`);
  process.exit(2);
}
const [file, exportName, options] = kinds[kind];
const modulePath = join(models, file);
if (!existsSync(modulePath)) {
  console.error(`${modulePath} is missing: run \`npm run build\` first.`);
  process.exit(1);
}
const module = await import(pathToFileURL(modulePath).href);
const path = module[exportName]({ ...options, ...(outDir ? { cacheDir: resolve(outDir) } : {}) });
console.log(path);
