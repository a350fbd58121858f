import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  createControllerSandbox,
  llmserve,
  processesOfHome,
  removeControllerSandbox,
  waitFor,
  writeServeConfig,
} from "../helpers/controllerHarness.js";
import { ensureScriptedReasoningModel } from "../models/ensureScriptedReasoningModel.js";
import { SCRIPTED_ANSWER } from "../models/scriptedReasoningScript.js";

// Issue 6, placement end to end: the controller reads the GPU inventory from nvidia-smi ($LLMSERVE_NVIDIA_SMI
// points it at a script printing a fake one), refuses what cannot run here with placement's sentence, and starts
// each replica with CUDA_VISIBLE_DEVICES set to its GPUs' UUIDs. The replicas are real; LLMSERVE_GPU=off keeps
// them on the CPU of this GPU-less machine while they hold their fake GPUs.
const H200 = [
  "0, GPU-5c0e8f3a-9c2d-4b7e-a1f3-2d4e6f8a0b1c, NVIDIA H200, 143771, 143160",
  "1, GPU-7d1f9a4b-0d3e-4c8f-b2a4-3e5f7a9b1c2d, NVIDIA H200, 143771, 143160",
];

describe("GPU placement through llmserve run", () => {
  let model: string;
  let home: { path: string; remove: () => void };
  let dir: string;
  let port: number;

  beforeAll(() => {
    model = ensureScriptedReasoningModel();
  });
  beforeEach(async () => {
    ({ home, dir, port } = await createControllerSandbox("gpu"));
  });
  afterEach(() => {
    removeControllerSandbox({ home, dir, port });
  });

  /** An executable that prints `rows` as nvidia-smi's CSV query does (or fails like a machine without a driver). */
  const fakeNvidiaSmi = (rows: string[] | "none"): string => {
    const path = join(dir, "nvidia-smi");
    const body = rows === "none" ? "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.' >&2\nexit 9\n" : `cat <<'EOF'\n${rows.join("\n")}\nEOF\n`;
    writeFileSync(path, `#!/bin/sh\n${body}`);
    chmodSync(path, 0o755);
    return path;
  };

  it("should fail run --non-blocking with placement's sentence when 8 x A100-40G are asked of 1 x H200, leaving nothing running", async () => {
    const smi = fakeNvidiaSmi([H200[0]!]);
    const config = writeServeConfig(join(dir, "app.yaml"), port, [{
      name: "app",
      models: [{ id: "big", source: model, acceleratorType: "A100-40G", engineKwargs: { tensor_parallel_size: 8 } }],
    }]);
    const run = await llmserve(["run", config, "--non-blocking"], home.path, { LLMSERVE_NVIDIA_SMI: smi });
    expect(run.exitCode).not.toBe(0);
    expect(String(run.stderr)).toContain("needs 8 x A100-40G, this machine has 1 x NVIDIA H200");
    expect(String(run.stderr)).not.toMatch(/\n\s+at /);
    expect(processesOfHome(home.path)).toEqual([]);
    const log = readFileSync(join(home.path, "logs", "controller.log"), "utf8");
    expect(log).toContain("replica r1: pending: needs 8 x A100-40G, this machine has 1 x NVIDIA H200");
  });

  it("should refuse a GPU accelerator_type on a machine without GPUs instead of running it on the CPU", async () => {
    const smi = fakeNvidiaSmi("none");
    const config = writeServeConfig(join(dir, "app.yaml"), port, [{
      name: "app",
      models: [{ id: "gpu-only", source: model, acceleratorType: "A100-40G" }],
    }]);
    const run = await llmserve(["run", config, "--non-blocking"], home.path, { LLMSERVE_NVIDIA_SMI: smi });
    expect(run.exitCode).not.toBe(0);
    expect(String(run.stderr)).toContain("needs 1 x A100-40G, this machine has no GPU (nvidia-smi found none); set accelerator_type: CPU");
    expect(processesOfHome(home.path)).toEqual([]);
  });

  it("should give each replica its own GPU through CUDA_VISIBLE_DEVICES (UUIDs) and show it in status", async () => {
    const smi = fakeNvidiaSmi(H200);
    const config = writeServeConfig(join(dir, "app.yaml"), port, [{
      name: "app",
      models: [{ id: "scripted", source: model, replicas: 2, acceleratorType: "H200", envVars: { LLMSERVE_GPU: "off" } }],
    }]);
    const run = await llmserve(["run", config, "--non-blocking"], home.path, { LLMSERVE_NVIDIA_SMI: smi });
    expect(run.exitCode, String(run.stderr)).toBe(0);

    const status = await llmserve(["status"], home.path);
    const report = parse(String(status.stdout)) as {
      applications: Record<string, { deployments: Record<string, { replicas: { pid: number; gpus: number[]; cuda_visible_devices: string }[] }> }>;
    };
    const replicas = Object.values(report.applications["app"]!.deployments)[0]!.replicas;
    expect(replicas.map((r) => r.gpus).sort()).toEqual([[0], [1]]);
    const uuids = H200.map((row) => row.split(", ")[1]!);
    expect(replicas.map((r) => r.cuda_visible_devices).sort()).toEqual([...uuids].sort());
    // What the replica processes really got, read from their environment.
    for (const replica of replicas) {
      const environ = readFileSync(`/proc/${replica.pid}/environ`, "utf8").split("\0");
      expect(environ).toContain(`CUDA_VISIBLE_DEVICES=${replica.cuda_visible_devices}`);
    }
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "unused", maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: "scripted", messages: [{ role: "user", content: "hello" }] });
    expect(completion.choices[0]?.message.content).toContain(SCRIPTED_ANSWER);

    const shutdown = await llmserve(["shutdown", "-y"], home.path);
    expect(shutdown.exitCode).toBe(0);
    await waitFor("every process gone", () => processesOfHome(home.path).length === 0, 15_000);
  });
});
