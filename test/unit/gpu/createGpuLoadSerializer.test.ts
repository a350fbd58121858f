import { describe, expect, it } from "vitest";
import { createGpuLoadSerializer } from "../../../src/gpu/createGpuLoadSerializer.js";

/** A load the test finishes by hand, recording when it started. */
function manualLoad(log: string[], name: string) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    finish = () => resolve(name);
    fail = reject;
  });
  return {
    run: () => {
      log.push(`start ${name}`);
      return done;
    },
    finish: () => finish(),
    fail: (error: Error) => fail(error),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("createGpuLoadSerializer", () => {
  it("should run loads on the same GPU one at a time, in arrival order", async () => {
    const serializer = createGpuLoadSerializer();
    const log: string[] = [];
    const a = manualLoad(log, "a");
    const b = manualLoad(log, "b");
    const c = manualLoad(log, "c");
    const results = [serializer.runExclusive(["GPU-0"], a.run), serializer.runExclusive(["GPU-0"], b.run), serializer.runExclusive(["GPU-0"], c.run)];
    await settle();
    expect(log).toEqual(["start a"]);
    a.finish();
    await settle();
    expect(log).toEqual(["start a", "start b"]);
    b.finish();
    await settle();
    c.finish();
    expect(await Promise.all(results)).toEqual(["a", "b", "c"]);
    expect(serializer.busyGpus()).toEqual([]);
  });

  it("should run loads on different GPUs at the same time", async () => {
    const serializer = createGpuLoadSerializer();
    const log: string[] = [];
    const a = manualLoad(log, "a");
    const b = manualLoad(log, "b");
    const both = [serializer.runExclusive(["GPU-0"], a.run), serializer.runExclusive(["GPU-1"], b.run)];
    await settle();
    expect(log).toEqual(["start a", "start b"]);
    expect(serializer.busyGpus()).toEqual(["GPU-0", "GPU-1"]);
    a.finish();
    b.finish();
    await Promise.all(both);
  });

  it("should make a multi-GPU load wait for every GPU it needs, and later loads wait for it", async () => {
    const serializer = createGpuLoadSerializer();
    const log: string[] = [];
    const onGpu1 = manualLoad(log, "gpu1");
    const tp2 = manualLoad(log, "tp2");
    const onGpu0 = manualLoad(log, "gpu0");
    const results = [
      serializer.runExclusive(["GPU-1"], onGpu1.run),
      serializer.runExclusive(["GPU-0", "GPU-1"], tp2.run),
      serializer.runExclusive(["GPU-0"], onGpu0.run),
    ];
    await settle();
    expect(log).toEqual(["start gpu1"]);
    onGpu1.finish();
    await settle();
    expect(log).toEqual(["start gpu1", "start tp2"]);
    tp2.finish();
    await settle();
    expect(log).toEqual(["start gpu1", "start tp2", "start gpu0"]);
    onGpu0.finish();
    await Promise.all(results);
  });

  it("should release the GPU when a load fails, passing the failure on", async () => {
    const serializer = createGpuLoadSerializer();
    const log: string[] = [];
    const a = manualLoad(log, "a");
    const b = manualLoad(log, "b");
    const first = serializer.runExclusive(["GPU-0"], a.run);
    const second = serializer.runExclusive(["GPU-0"], b.run);
    a.fail(new Error("out of memory"));
    await expect(first).rejects.toThrow("out of memory");
    await settle();
    expect(log).toEqual(["start a", "start b"]);
    b.finish();
    expect(await second).toBe("b");
  });

  it("should run a CPU load (no GPU) at once", async () => {
    const serializer = createGpuLoadSerializer();
    expect(await serializer.runExclusive([], async () => 42)).toBe(42);
  });
});
