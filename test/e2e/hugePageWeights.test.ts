import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createControllerSandbox,
  llmserve,
  processesOfHome,
  removeControllerSandbox,
  writeServeConfig,
  type ControllerSandbox,
} from "../helpers/controllerHarness.js";
import { ensureBenchmarkModel } from "../models/ensureBenchmarkModel.js";

/** 256 wide, 4 blocks, 32k vocabulary: ~37 MiB of f16 weights, enough 2 MiB pages to tell a copy from a mapping. */
const MID_SIZE_SHAPE = { embeddingLength: 256, blockCount: 4, feedForwardLength: 704, headCount: 4, headCountKv: 2, vocabularySize: 32000, contextLength: 2048 };

function transparentHugePages(): string | undefined {
  try {
    return /\[(\w+)\]/.exec(readFileSync("/sys/kernel/mm/transparent_hugepage/enabled", "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

function anonymousHugePageBytes(pid: number): number {
  return Number(/^AnonHugePages:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0) * 1024;
}

describe("CPU replicas' weights in transparent huge pages", () => {
  let sandbox: ControllerSandbox;
  beforeEach(async () => {
    sandbox = await createControllerSandbox("hugepages");
  });
  afterEach(() => removeControllerSandbox(sandbox));

  it("should copy the weights into huge pages under the controller, keep a user's GLIBC_TUNABLES choice, and answer alike", async () => {
    const model = ensureBenchmarkModel({ shape: MID_SIZE_SHAPE });
    const modelBytes = statSync(model).size;
    const { home, dir, port } = sandbox;
    const config = writeServeConfig(join(dir, "weights.yaml"), port, [
      {
        name: "app",
        models: [
          { id: "copied", source: model },
          // glibc's own switch for it, set off by the user: the controller leaves it as it is
          { id: "mapped", source: model, envVars: { GLIBC_TUNABLES: "glibc.malloc.hugetlb=0" } },
        ],
      },
    ]);
    const run = await llmserve(["run", config, "--non-blocking"], home.path);
    expect(run.exitCode, String(run.stderr)).toBe(0);

    const status = JSON.parse(String((await llmserve(["status", "--json"], home.path)).stdout)) as {
      applications: Record<string, { deployments: Record<string, { replicas: { pid: number; engine: string }[] }> }>;
    };
    const replicaOf = (id: string) => status.applications["app"]!.deployments[`LLMServer:${id}`]!.replicas[0]!;
    const thp = transparentHugePages();
    const hugePages = thp === "always" || thp === "madvise";
    expect(replicaOf("copied").engine).toMatch(hugePages ? /, CPU, weights in huge pages$/ : /, CPU, weights mapped$/);
    expect(replicaOf("mapped").engine).toMatch(thp === "always" ? /, CPU, weights in huge pages$/ : /, CPU, weights mapped$/);
    if (hugePages) expect(anonymousHugePageBytes(replicaOf("copied").pid)).toBeGreaterThanOrEqual(0.8 * modelBytes);
    if (thp === "madvise") expect(anonymousHugePageBytes(replicaOf("mapped").pid)).toBeLessThan(0.5 * modelBytes);

    const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "unused", maxRetries: 0 });
    const complete = async (id: string) =>
      (await client.completions.create({ model: id, prompt: "hello", temperature: 0, max_tokens: 16 })).choices[0]!.text;
    const copied = await complete("copied");
    expect(copied.length).toBeGreaterThan(0);
    expect(await complete("mapped")).toBe(copied);

    expect((await llmserve(["shutdown", "-y"], home.path)).exitCode).toBe(0);
    expect(processesOfHome(home.path)).toEqual([]);
  });
});
