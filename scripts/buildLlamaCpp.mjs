#!/usr/bin/env node
// `npm run build:llama`: compiles llama.cpp for this machine's CPU from the source node-llama-cpp bundles (its git
// bundle: no network), with the CMake options `loadEngine` looks for, so that replicas use it instead of
// node-llama-cpp's generic prebuilt CPU binaries (bench/README.md: "Where the batched-decoding gap was").
// Takes a few minutes; run it again after upgrading node-llama-cpp. Extra arguments go to `node-llama-cpp source
// download` (for example `--gpu cuda` for a CUDA build).
import { spawnSync } from "node:child_process";
import { LLAMA_CPP_BUILD_OPTIONS } from "../dist/replica/engine/llamaCppBuildOptions.js";

const env = { ...process.env };
for (const [option, value] of Object.entries(LLAMA_CPP_BUILD_OPTIONS)) env[`NODE_LLAMA_CPP_CMAKE_OPTION_${option}`] ??= value;
const args = process.argv.slice(2);
const result = spawnSync(
  "npx",
  ["--no", "node-llama-cpp", "source", "download", ...(args.some((arg) => arg.startsWith("--gpu")) ? [] : ["--gpu", "false"]), "--noUsageExample", ...args],
  { stdio: "inherit", env },
);
process.exit(result.status ?? 1);
