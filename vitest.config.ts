import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

const TEST_HUB_CACHE = join(tmpdir(), `llmserve-test-hub-${process.pid}`);

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Engine tests load real llama.cpp models; on a 2-core CI machine running them in parallel only thrashes.
    pool: "forks",
    poolOptions: { forks: { singleFork: false, maxForks: 2, minForks: 1 } },
    fileParallelism: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ["test/globalSetup.ts"],
    // Replicas on prebuilt CPU kernels compile ones for the machine in the background (minutes on 2 cores) and
    // install them into node-llama-cpp's local-build folder; tests must neither wait for that nor change it.
    // Models fetched from Hugging Face go to the hub cache (LLAMA_CACHE first, as llama.cpp): one per run, removed by
    // test/globalSetup.ts, never the developer's ~/.cache/huggingface.
    env: { LLMSERVE_CPU_KERNELS: "prebuilt", LLAMA_CACHE: TEST_HUB_CACHE },
  },
});
