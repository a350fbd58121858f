import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readGpuInventory } from "../../../src/gpu/readGpuInventory.js";
import { DRIVER_FAILURE, MIXED } from "./nvidiaSmiSamples.js";

const dir = mkdtempSync(join(tmpdir(), "llmserve-nvidia-smi-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in nvidia-smi that prints `stdout` only when asked the exact query llmserve sends. */
function fakeNvidiaSmi(name: string, stdout: string, exitCode = 0): string {
  const path = join(dir, name);
  const expected = "--query-gpu=index,uuid,name,memory.total,memory.free --format=csv,noheader,nounits";
  writeFileSync(
    path,
    `#!/bin/sh\nif [ "$*" != "${expected}" ]; then echo "unexpected args: $*" >&2; exit 64; fi\ncat <<'OUT'\n${stdout}OUT\nexit ${exitCode}\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

describe("readGpuInventory", () => {
  it("should read the GPUs nvidia-smi lists", async () => {
    const gpus = await readGpuInventory({ nvidiaSmiPath: fakeNvidiaSmi("mixed", MIXED) });
    expect(gpus.map((gpu) => gpu.name)).toEqual(["NVIDIA H100 80GB HBM3", "NVIDIA L4", "NVIDIA GeForce RTX 4090"]);
  });

  it("should take the executable from LLMSERVE_NVIDIA_SMI", async () => {
    const gpus = await readGpuInventory({ env: { ...process.env, LLMSERVE_NVIDIA_SMI: fakeNvidiaSmi("env", MIXED) } });
    expect(gpus).toHaveLength(3);
  });

  it("should mean CPU only when nvidia-smi is missing", async () => {
    expect(await readGpuInventory({ nvidiaSmiPath: join(dir, "does-not-exist") })).toEqual([]);
  });

  it("should mean CPU only when nvidia-smi fails", async () => {
    expect(await readGpuInventory({ nvidiaSmiPath: fakeNvidiaSmi("broken", DRIVER_FAILURE, 9) })).toEqual([]);
  });

  it("should mean CPU only when nvidia-smi hangs past the timeout", async () => {
    const path = join(dir, "hang");
    writeFileSync(path, "#!/bin/sh\nexec sleep 30\n");
    chmodSync(path, 0o755);
    const started = Date.now();
    expect(await readGpuInventory({ nvidiaSmiPath: path, timeoutMs: 300 })).toEqual([]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
