import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GgmlType, readGgufFileInfo } from "node-llama-cpp";
import { float16ToFloat32, float32ArrayToFloat16 } from "../../gguf/float32ToFloat16.js";
import { gguf } from "../../gguf/GgufMetadataValue.js";
import type { GgufFileSpec } from "../../gguf/GgufFileSpec.js";
import { encodeGguf, writeGguf } from "../../gguf/writeGguf.js";

const dir = mkdtempSync(join(tmpdir(), "llmserve-gguf-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const f32Values = Float32Array.from({ length: 3 * 5 }, (_, i) => i * 0.5 - 3);
const f16Values = Float32Array.from({ length: 7 * 3 }, (_, i) => (i - 10) / 8);

const spec = (alignment?: number): GgufFileSpec => ({
  metadata: {
    "general.architecture": gguf.str("llama"),
    "test.u8": { type: "uint8", value: 200 },
    "test.i8": { type: "int8", value: -100 },
    "test.u16": { type: "uint16", value: 60000 },
    "test.i16": { type: "int16", value: -30000 },
    "test.u32": gguf.u32(4_000_000_000),
    "test.i32": gguf.i32(-2_000_000_000),
    "test.f32": gguf.f32(0.25),
    "test.f64": { type: "float64", value: Math.PI },
    "test.bool": gguf.bool(true),
    "test.string": gguf.str("héllo ✓"),
    "test.u64": gguf.u64(2n ** 40n),
    "test.i64": { type: "int64", value: -(2n ** 40n) },
    "test.strings": gguf.strings(["a", "", "Ġb"]),
    "test.ints": gguf.i32s([1, -2, 3]),
    "test.floats": gguf.f32s([0.5, -1.5]),
  },
  tensors: [
    { name: "a.f32", shape: [3, 5], type: "f32", data: f32Values },
    // Chunked, mixing float chunks and raw half chunks.
    { name: "b.f16", shape: [7, 3], type: "f16", data: () => [f16Values.subarray(0, 5), float32ArrayToFloat16(f16Values.subarray(5))] },
    { name: "c.f32", shape: [1], type: "f32", data: new Float32Array([42]) },
  ],
  ...(alignment ? { alignment } : {}),
});

describe("writeGguf", () => {
  it("should write metadata of every type that node-llama-cpp reads back", async () => {
    const path = join(dir, "all-types.gguf");
    writeGguf(path, spec());
    const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
    expect(info.version).toBe(3);
    const test = (info.metadata as unknown as { test: Record<string, unknown> }).test;
    expect(test).toMatchObject({ u8: 200, i8: -100, u16: 60000, i16: -30000, u32: 4_000_000_000, i32: -2_000_000_000, f32: 0.25, bool: true });
    expect(test.f64).toBeCloseTo(Math.PI, 12);
    expect(test.string).toBe("héllo ✓");
    expect(BigInt(test.u64 as bigint)).toBe(2n ** 40n);
    expect(BigInt(test.i64 as bigint)).toBe(-(2n ** 40n));
    expect(test.strings).toEqual(["a", "", "Ġb"]);
    expect(test.ints).toEqual([1, -2, 3]);
    expect(test.floats).toEqual([0.5, -1.5]);
  });

  it.each([32, 64])("should place aligned tensors that read back exactly (alignment %i)", async (alignment) => {
    const path = join(dir, `tensors-${alignment}.gguf`);
    const size = writeGguf(path, spec(alignment === 32 ? undefined : alignment));
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(size);
    expect(bytes.equals(encodeGguf(spec(alignment === 32 ? undefined : alignment)))).toBe(true);
    const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
    const tensors = info.tensorInfo!;
    expect(tensors.map((t) => [t.name, t.dimensions.map(Number), t.ggmlType])).toEqual([
      ["a.f32", [3, 5], GgmlType.F32],
      ["b.f16", [7, 3], GgmlType.F16],
      ["c.f32", [1], GgmlType.F32],
    ]);
    for (const tensor of tensors) expect(Number(tensor.fileOffset) % alignment).toBe(0);
    const at = (index: number) => Number(tensors[index]!.fileOffset);
    const a = new Float32Array(bytes.buffer.slice(bytes.byteOffset + at(0), bytes.byteOffset + at(0) + 60));
    expect([...a]).toEqual([...f32Values]);
    const b = new Uint16Array(bytes.buffer.slice(bytes.byteOffset + at(1), bytes.byteOffset + at(1) + 42));
    expect([...b].map(float16ToFloat32)).toEqual([...f16Values]);
    expect(bytes.readFloatLE(at(2))).toBe(42);
    expect(bytes.length).toBe(at(2) + 4);
  });

  it("should refuse tensor data that does not match the shape", () => {
    const bad: GgufFileSpec = { metadata: {}, tensors: [{ name: "x", shape: [4], type: "f32", data: new Float32Array(3) }] };
    expect(() => encodeGguf(bad)).toThrow(/x: data does not match shape \[4\]/);
    const raw: GgufFileSpec = { metadata: {}, tensors: [{ name: "y", shape: [2], type: "f32", data: () => [new Uint16Array(2)] }] };
    expect(() => encodeGguf(raw)).toThrow(/raw half chunks need type f16/);
  });
});
