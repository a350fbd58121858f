import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cpuKernelsIdentity } from "../../../../src/replica/engine/cpuKernels/cpuKernelsIdentity.js";
import type { CpuKernelsRecord } from "../../../../src/replica/engine/cpuKernels/cpuKernelsRecord.js";
import { decideCpuKernels } from "../../../../src/replica/engine/cpuKernels/decideCpuKernels.js";
import { ensureCpuKernels } from "../../../../src/replica/engine/cpuKernels/ensureCpuKernels.js";
import { judgeCpuKernels } from "../../../../src/replica/engine/cpuKernels/judgeCpuKernels.js";
import { measureCpuKernels } from "../../../../src/replica/engine/cpuKernels/measureCpuKernels.js";
import { ensureBenchmarkModel } from "../../../models/ensureBenchmarkModel.js";

const env = { ...process.env, LLMSERVE_CPU_KERNELS: "" };
const identity = await cpuKernelsIdentity(env);
const cpuFlags = existsSync("/proc/cpuinfo") ? (/^flags\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "").split(" ") : [];
// node-llama-cpp's haswell variant needs these; its x64 variant runs anywhere (SSE2 only)
const hasAvx2 = ["avx2", "fma", "f16c", "bmi2"].every((flag) => cpuFlags.includes(flag));

/** A small f16 llama (4 blocks, 512 wide, 4k vocabulary, ~34 MB): matrix kernels dominate, milliseconds per decode. */
function smallModel(): string {
  return ensureBenchmarkModel({
    shape: { embeddingLength: 512, blockCount: 4, feedForwardLength: 1408, headCount: 8, headCountKv: 8, vocabularySize: 4096, contextLength: 512 },
  });
}

function listing(dir: string): string[] | "absent" {
  return existsSync(dir) ? readdirSync(dir).sort() : "absent";
}

// Real llama.cpp in child processes; the trial folders go into node-llama-cpp's own localBuilds folder (the only
// place it loads local builds from) and must be gone afterwards.
describe.skipIf(identity === undefined)("measureCpuKernels", () => {
  const localBuildsBefore = listing(identity!.localBuilds);
  const temp = mkdtempSync(join(tmpdir(), "llmserve-measure-kernels-"));
  afterAll(() => {
    rmSync(temp, { recursive: true, force: true });
    expect(listing(identity!.localBuilds)).toEqual(localBuildsBefore);
  });

  it("should keep the prebuilt kernels against a slower candidate (the generic x64 variant), record why, and not measure twice", { timeout: 120_000 }, async () => {
    const home = join(temp, "home");
    const workDir = join(home, "llama", identity!.key);
    mkdirSync(workDir, { recursive: true });
    copyFileSync(join(identity!.prebuiltDir, "libggml-cpu-x64.so"), join(workDir, "libggml-cpu.so"));
    const built: CpuKernelsRecord = { key: identity!.key, llamaCppCommit: identity!.llamaCppCommit, buildSeconds: 1 };
    writeFileSync(join(workDir, "cpuKernels.json"), JSON.stringify(built));
    // the standard folder in a temp place: even a wrong verdict could not install into the real node_modules
    const standard = join(temp, "standard", "linux-x64-standard");
    const judged = { ...identity!, localBuildDir: standard };
    const modelPath = smallModel();
    const lines: string[] = [];

    const outcome = await ensureCpuKernels({ home, log: (line) => lines.push(line), env, identity: judged, modelPath });

    expect(outcome).toMatchObject({ kind: "decided", measuredNow: true, change: "none", verdict: { kernels: "prebuilt" } });
    if (outcome.kind !== "decided") return;
    const measurement = outcome.verdict.measurement!;
    expect(measurement.model).toBe(modelPath);
    expect(measurement.prebuilt.library).toMatch(/^libggml-cpu-\w+\.so$/);
    expect(measurement.compiled.library).toBe(join(workDir, "libggml-cpu.so"));
    expect(measurement.compiled.batchMs / measurement.prebuilt.batchMs).toBeGreaterThan(1.1);
    expect(measurement.prebuilt.processes.batchMs).toHaveLength(3);
    expect(outcome.verdict.batchRatio).toBeGreaterThan(1.1);
    expect(outcome.verdict.reason).toMatch(/^compiled kernels measured [\d.]+x the CPU time of prebuilt at 16 tokens \([\d.]+x in their slowest process\) and [\d.]+x at 1 token \([\d.]+x\) on benchmark-custom-\w+\.gguf: staying on prebuilt$/);
    expect(lines.some((line) => line.includes("measuring the compiled kernels against the prebuilt ones"))).toBe(true);
    const record = JSON.parse(readFileSync(join(workDir, "cpuKernels.json"), "utf8")) as CpuKernelsRecord;
    expect(record).toEqual({ ...built, verdict: outcome.verdict });
    expect(existsSync(standard)).toBe(false);

    const again = await ensureCpuKernels({ home, log: (line) => lines.push(line), env, identity: judged, modelPath });
    expect(again).toEqual({ kind: "decided", verdict: outcome.verdict, measuredNow: false, change: "none" });
  });

  it.skipIf(!hasAvx2)("should find a faster candidate faster: the haswell variant against the generic x64 one", { timeout: 120_000 }, async () => {
    const measurement = await measureCpuKernels({
      identity: identity!,
      modelPath: smallModel(),
      baseline: join(identity!.prebuiltDir, "libggml-cpu-x64.so"),
      candidate: join(identity!.prebuiltDir, "libggml-cpu-haswell.so"),
    });
    expect(measurement.prebuilt.library).toBe(join(identity!.prebuiltDir, "libggml-cpu-x64.so"));
    const decision = decideCpuKernels(measurement.prebuilt.processes, measurement.compiled.processes, { model: "small.gguf", batchTokens: measurement.batchTokens });
    expect(decision.batchRatio).toBeLessThan(0.9);
    expect(decision.kernels).toBe("compiled");
  });

  it("should stay on prebuilt, and say why, when no measurement can be made", async () => {
    const x64 = join(identity!.prebuiltDir, "libggml-cpu-x64.so");
    const broken = await judgeCpuKernels(identity!, x64, join(temp, "missing.gguf"), () => undefined);
    expect(broken.kernels).toBe("prebuilt");
    expect(broken.reason).toMatch(/^compiled kernels not measured on missing\.gguf \(a measuring process failed: .+\): staying on prebuilt$/);
    const late = await judgeCpuKernels(identity!, x64, smallModel(), () => undefined, { wallLimitMs: 1 });
    expect(late.reason).toBe(`compiled kernels not measured on ${basename(smallModel())} (the measurement did not finish within its time limit): staying on prebuilt`);
    expect(late.measurement).toBeUndefined();
  });
});
