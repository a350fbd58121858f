import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cpuKernelsIdentity } from "../../src/replica/engine/cpuKernels/cpuKernelsIdentity.js";
import type { CpuKernelsRecord } from "../../src/replica/engine/cpuKernels/cpuKernelsRecord.js";
import { localBuildState } from "../../src/replica/engine/cpuKernels/installCpuKernels.js";
import { createTempHome } from "../helpers/cli.js";
import { startReadyReplica, writeReplicaConfig, type ReplicaProcess } from "../helpers/startReplica.js";
import { waitFor } from "../helpers/waitFor.js";
import { ensureScriptedReasoningModel } from "../models/ensureScriptedReasoningModel.js";

const env = { ...process.env, LLMSERVE_CPU_KERNELS: "" };
const identity = await cpuKernelsIdentity(env);

// A real replica with the CPU-kernel decision switched on (the suite switches it off) and a verdict already recorded
// for this machine's build key: it must say the verdict and neither compile nor measure. Not where the folder
// node-llama-cpp loads holds a local build: a verdict for prebuilt would take llmserve's away.
describe.skipIf(identity === undefined || localBuildState(identity) !== "none")("a CPU replica and the CPU-kernels verdict", () => {
  const home = createTempHome();
  let replica: ReplicaProcess | undefined;
  afterAll(async () => {
    await replica?.kill();
    home.remove();
  });

  it("should log the recorded verdict in one line, without building or measuring", async () => {
    const workDir = join(home.path, "llama", identity!.key);
    mkdirSync(workDir, { recursive: true });
    const record: CpuKernelsRecord = {
      key: identity!.key,
      llamaCppCommit: identity!.llamaCppCommit,
      buildSeconds: 120,
      verdict: {
        kernels: "prebuilt",
        reason: "compiled kernels measured 1.03x the CPU time of prebuilt at 16 tokens (1.10x in their slowest process) and 1.02x at 1 token (1.07x) on model.gguf: staying on prebuilt",
        decidedAt: "2026-01-01T00:00:00.000Z",
      },
    };
    writeFileSync(join(workDir, "cpuKernels.json"), JSON.stringify(record));
    const config = writeReplicaConfig(home.path, { modelId: "scripted", source: ensureScriptedReasoningModel() });
    replica = await startReadyReplica(config, "scripted", { home: home.path, env: { LLMSERVE_CPU_KERNELS: "" } });
    const line = await waitFor("the CPU-kernels line", () => replica!.stderr.find((text) => text.includes("CPU kernels:")), 20_000);
    expect(line).toContain(`CPU kernels: ${record.verdict!.reason} (measured earlier)`);
    expect(replica.stderr.filter((text) => /compiling|measuring/.test(text))).toEqual([]);
    expect(JSON.parse(readFileSync(join(workDir, "cpuKernels.json"), "utf8"))).toEqual(record);
  });
});
