import { defineConfig } from "vitest/config";

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
    env: { LLMSERVE_CPU_KERNELS: "prebuilt" },
  },
});
