import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkGgufHeader } from "../../../src/gguf/checkGgufHeader.js";
import { ggmlTypeSizes } from "../../../src/gguf/ggmlTypeSizes.js";
import { encodeGguf } from "../../gguf/writeGguf.js";
import { createTempHome } from "../../helpers/cli.js";
import { ensureLoopModel } from "../../models/ensureLoopModel.js";
import { cpuLlama } from "./loadTestModel.js";

const spec = {
  metadata: {
    "general.architecture": { type: "string", value: "llama" },
    "tokenizer.ggml.tokens": { type: "array", itemType: "string", values: ["a", "b", "c"] },
    "llama.block_count": { type: "uint32", value: 1 },
  },
  tensors: [
    { name: "first.weight", shape: [8, 2], type: "f32", data: new Float32Array(16) },
    { name: "second.weight", shape: [5], type: "f16", data: new Float32Array(5) },
  ],
} as const;

/** Byte offsets in the encoded `spec` (magic 0, version 4, tensor count 8, metadata count 16, first key 24). */
const VERSION_AT = 4;
const TENSOR_COUNT_AT = 8;
const FIRST_KEY_LENGTH_AT = 24;

describe("checkGgufHeader", () => {
  const home = createTempHome("llmserve-gguf-");
  afterAll(() => home.remove());
  const valid = encodeGguf(spec);
  let fileIndex = 0;
  function write(bytes: Buffer): string {
    const path = join(home.path, `case-${fileIndex++}.gguf`);
    writeFileSync(path, bytes);
    return path;
  }
  function patched(edit: (bytes: Buffer) => void): string {
    const bytes = Buffer.from(valid);
    edit(bytes);
    return write(bytes);
  }
  /** Byte offset of tensor `name`'s data offset field in the header. */
  function tensorOffsetField(name: string, dimensions: number): number {
    const nameAt = valid.indexOf(Buffer.from(name));
    return nameAt + name.length + 4 + 8 * dimensions + 4;
  }
  async function problem(path: string): Promise<string> {
    const error = await checkGgufHeader(path).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message.startsWith(`${path} is not a valid GGUF: `)).toBe(true);
    return message.slice(`${path} is not a valid GGUF: `.length);
  }

  it("should accept a well-formed file and describe its layout", async () => {
    const summary = await checkGgufHeader(write(valid));
    expect(summary).toMatchObject({ version: 3, tensorCount: 2, metadataCount: 3, alignment: 32, fileSize: valid.length });
    expect(summary.expectedSize).toBe(valid.length);
  });

  it("should return the chat template a file carries, and none when it has none", async () => {
    const template = "{% for message in messages %}{{ message.content }}{% endfor %}";
    const withTemplate = encodeGguf({
      ...spec,
      metadata: { ...spec.metadata, "tokenizer.chat_template": { type: "string", value: template } },
    });
    expect((await checkGgufHeader(write(withTemplate))).chatTemplate).toBe(template);
    expect((await checkGgufHeader(write(valid))).chatTemplate).toBeUndefined();
  });

  it("should step over a vocabulary of many strings, across read chunks", async () => {
    const tokens = Array.from({ length: 200_000 }, (_, i) => `token-${i}`);
    const large = encodeGguf({
      ...spec,
      metadata: { ...spec.metadata, "tokenizer.ggml.tokens": { type: "array", itemType: "string", values: tokens } },
    });
    expect(large.length).toBeGreaterThan(2 << 20);
    expect(await checkGgufHeader(write(large))).toMatchObject({ tensorCount: 2, metadataCount: 3, fileSize: large.length });
  });

  it("should accept the generated test models, reading only their headers", async () => {
    const path = ensureLoopModel();
    const summary = await checkGgufHeader(path);
    expect(summary.expectedSize).toBe(readFileSync(path).length);
  });

  it("should name the byte a file was truncated at when the tensor data runs past its end", async () => {
    const cut = valid.subarray(0, valid.length - 6);
    expect(await problem(write(cut))).toBe(
      `truncated at byte ${cut.length} of ${valid.length}: tensor data past the end of the file ` +
        `(tensor "second.weight" needs bytes ${valid.length - 10}..${valid.length})`,
    );
  });

  it("should name what the header was reading when the file ends inside it", async () => {
    const cut = valid.subarray(0, 200);
    expect(await problem(write(cut))).toMatch(/^truncated at byte 200 of at least \d+ \(reading the (name|dimension count|shape, type and offset) of tensor .*\)$/);
    const early = valid.subarray(0, FIRST_KEY_LENGTH_AT + 8 + 5);
    expect(await problem(write(early))).toBe(
      `truncated at byte ${early.length} of at least ${FIRST_KEY_LENGTH_AT + 103} (reading the 2 tensors and 3 metadata entries it declares)`,
    );
  });

  it("should refuse an unknown or retired version", async () => {
    expect(await problem(patched((bytes) => bytes.writeUInt32LE(7, VERSION_AT)))).toBe("unknown GGUF version 7 (llama.cpp reads versions 2 and 3)");
    expect(await problem(patched((bytes) => bytes.writeUInt32LE(1, VERSION_AT)))).toMatch(/^GGUF version 1 is no longer supported/);
  });

  it("should refuse absurd counts at once, without allocating for them", async () => {
    const path = patched((bytes) => {
      bytes.writeBigUInt64LE(1n << 62n, TENSOR_COUNT_AT);
      bytes.writeBigUInt64LE(1n << 62n, TENSOR_COUNT_AT + 8);
    });
    const started = performance.now();
    expect(await problem(path)).toMatch(/^absurd counts: it declares 4611686018427387904 tensors and 4611686018427387904 metadata entries, which need at least \d+ bytes, but only \d+ of its \d+ bytes follow the counts$/);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("should refuse a string longer than the file", async () => {
    const path = patched((bytes) => bytes.writeBigUInt64LE(1n << 62n, FIRST_KEY_LENGTH_AT));
    expect(await problem(path)).toMatch(/^truncated at byte \d+ of at least \d+ \(reading the key of metadata entry 0 at byte 24, a string of 4611686018427387904 bytes\)$/);
  });

  it("should refuse a tensor whose data is not where the layout puts it", async () => {
    const path = patched((bytes) => bytes.writeBigUInt64LE(1n << 40n, tensorOffsetField("second.weight", 1)));
    expect(await problem(path)).toMatch(/^tensor "second.weight" \(info at byte \d+\) has its data at offset 1099511627776 of the data section, expected 64$/);
  });

  it("should refuse unknown tensor types, too many dimensions and a bad alignment", async () => {
    const typeAt = tensorOffsetField("first.weight", 2) - 4;
    expect(await problem(patched((bytes) => bytes.writeUInt32LE(5, typeAt)))).toMatch(/^tensor "first.weight" \(info at byte \d+\) has the unknown tensor type 5$/);
    const dimensionsAt = valid.indexOf(Buffer.from("first.weight")) + "first.weight".length;
    expect(await problem(patched((bytes) => bytes.writeUInt32LE(9, dimensionsAt)))).toMatch(/has 9 dimensions \(at most 4\)$/);
    const aligned = encodeGguf({ ...spec, alignment: 64 });
    const alignmentAt = aligned.indexOf(Buffer.from("general.alignment")) + "general.alignment".length + 4;
    const badAlignment = Buffer.from(aligned);
    badAlignment.writeUInt32LE(48, alignmentAt);
    expect(await problem(write(badAlignment))).toBe('metadata "general.alignment" is 48, not a power of 2');
    expect((await checkGgufHeader(write(aligned))).alignment).toBe(64);
  });

  it("should read the split keys of a split model's part, and refuse them with a type llama.cpp refuses", async () => {
    const part = { ...spec, metadata: { ...spec.metadata, "split.no": { type: "uint16", value: 1 }, "split.count": { type: "uint16", value: 3 }, "split.tensors.count": { type: "int32", value: 7 } } } as const;
    expect((await checkGgufHeader(write(encodeGguf(part)))).split).toEqual({ no: 1, count: 3, tensorsCount: 7 });
    expect((await checkGgufHeader(write(valid))).split).toBeUndefined();
    const wide = { ...part, metadata: { ...part.metadata, "split.count": { type: "uint32", value: 3 } } } as const;
    expect(await problem(write(encodeGguf(wide)))).toBe('metadata "split.count" has type 4, expected uint16 (2)');
  });

  it("should refuse a file that is not a GGUF at all", async () => {
    expect(await problem(write(Buffer.from("this is plain text\n")))).toBe('expected the magic "GGUF" at byte 0, found "this"');
    expect(await problem(write(Buffer.alloc(0)))).toBe("the file is empty");
  });

  it("should know the block and type size of every tensor type the bundled llama.cpp knows", async () => {
    const llama = await cpuLlama();
    const bindings = (llama as unknown as { _bindings: { getBlockSizeForGgmlType(t: number): number | undefined; getTypeSizeForGgmlType(t: number): number | undefined } })._bindings;
    for (let code = 0; code < 64; code++) {
      const typeSize = bindings.getTypeSizeForGgmlType(code) ?? 0;
      const expected = typeSize === 0 ? undefined : { blockSize: bindings.getBlockSizeForGgmlType(code), typeSize };
      const known = ggmlTypeSizes.get(code);
      expect(known === undefined ? undefined : { blockSize: known.blockSize, typeSize: known.typeSize }, `type ${code}`).toEqual(expected);
    }
  });
});
