import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import { MIXED } from "./nvidiaSmiSamples.js";

// Runs the built CLI (npm run build first), as users do, with nvidia-smi replaced through LLMSERVE_NVIDIA_SMI.
const dir = mkdtempSync(join(tmpdir(), "llmserve-gpus-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fakeSmi = join(dir, "nvidia-smi");
writeFileSync(fakeSmi, `#!/bin/sh\ncat <<'OUT'\n${MIXED}OUT\n`);
chmodSync(fakeSmi, 0o755);

describe("llmserve gpus", () => {
  it("should show each GPU with free and total memory", async () => {
    const result = await runCli(["gpus"], { env: { LLMSERVE_NVIDIA_SMI: fakeSmi, PATH: process.env["PATH"] } });
    expect(result.exitCode).toBe(0);
    const lines = String(result.stdout).split("\n");
    expect(lines[0]).toMatch(/^INDEX\s+NAME\s+FREE\s+TOTAL\s+UUID$/);
    expect(lines[1]).toMatch(/^0\s+NVIDIA H100 80GB HBM3\s+79\.2 GiB\s+79\.6 GiB\s+GPU-11111111-2222-3333-4444-555555555555$/);
    expect(lines[2]).toMatch(/^1\s+NVIDIA L4\s+3\.0 GiB\s+22\.5 GiB/);
    expect(lines[3]).toMatch(/^2\s+NVIDIA GeForce RTX 4090\s+23\.4 GiB\s+24\.0 GiB/);
  });

  it("should print the inventory as JSON with --json", async () => {
    const result = await runCli(["gpus", "--json"], { env: { LLMSERVE_NVIDIA_SMI: fakeSmi, PATH: process.env["PATH"] } });
    expect(result.exitCode).toBe(0);
    const gpus = JSON.parse(String(result.stdout)) as { index: number; name: string; memoryTotalBytes: number }[];
    expect(gpus.map((gpu) => gpu.name)).toEqual(["NVIDIA H100 80GB HBM3", "NVIDIA L4", "NVIDIA GeForce RTX 4090"]);
    expect(gpus[1]?.memoryTotalBytes).toBe(23034 * 1024 * 1024);
  });

  it("should say CPU only when there is no nvidia-smi", async () => {
    const env = { LLMSERVE_NVIDIA_SMI: join(dir, "absent"), PATH: process.env["PATH"] };
    const text = await runCli(["gpus"], { env });
    expect(text.exitCode).toBe(0);
    expect(String(text.stdout)).toMatch(/^no GPUs found: CPU only/);
    expect(JSON.parse(String((await runCli(["gpus", "--json"], { env })).stdout))).toEqual([]);
  });
});
