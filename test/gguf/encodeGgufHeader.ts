import type { GgufFileSpec } from "./GgufFileSpec.js";
import { ggufValueTypeCode, type GgufMetadataValue, type GgufScalarType } from "./GgufMetadataValue.js";
import { ggmlTypeCode, ggmlTypeSize, ggufElementCount } from "./GgufTensor.js";

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const GGUF_VERSION = 3;

/** The header of a GGUF file and where each tensor's data goes. */
export interface EncodedGgufHeader {
  /** Magic, version, counts, metadata and tensor infos, padded to the alignment: the data section starts after it. */
  readonly header: Buffer;
  /** Byte offset of each tensor's data, relative to the start of the data section. */
  readonly tensorOffsets: readonly number[];
  /** Byte size of each tensor's data (without padding). */
  readonly tensorSizes: readonly number[];
  /** Size of the data section, including padding between tensors. */
  readonly dataSize: number;
  readonly alignment: number;
}

/** Little-endian byte builder. */
class ByteWriter {
  private readonly parts: Buffer[] = [];
  length = 0;
  private push(buffer: Buffer): void {
    this.parts.push(buffer);
    this.length += buffer.length;
  }
  u8(value: number): void { const b = Buffer.alloc(1); b.writeUInt8(value); this.push(b); }
  i8(value: number): void { const b = Buffer.alloc(1); b.writeInt8(value); this.push(b); }
  u16(value: number): void { const b = Buffer.alloc(2); b.writeUInt16LE(value); this.push(b); }
  i16(value: number): void { const b = Buffer.alloc(2); b.writeInt16LE(value); this.push(b); }
  u32(value: number): void { const b = Buffer.alloc(4); b.writeUInt32LE(value); this.push(b); }
  i32(value: number): void { const b = Buffer.alloc(4); b.writeInt32LE(value); this.push(b); }
  u64(value: bigint | number): void { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(value)); this.push(b); }
  i64(value: bigint | number): void { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(value)); this.push(b); }
  f32(value: number): void { const b = Buffer.alloc(4); b.writeFloatLE(value); this.push(b); }
  f64(value: number): void { const b = Buffer.alloc(8); b.writeDoubleLE(value); this.push(b); }
  string(value: string): void {
    const bytes = Buffer.from(value, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  }
  zeros(count: number): void { this.push(Buffer.alloc(count)); }
  toBuffer(): Buffer { return Buffer.concat(this.parts, this.length); }
}

function writeScalar(writer: ByteWriter, type: GgufScalarType, value: number | bigint | boolean | string, key: string): void {
  const expect = (kind: string): never => {
    throw new TypeError(`GGUF metadata ${key}: a ${type} needs a ${kind}, got ${typeof value}`);
  };
  switch (type) {
    case "string": return typeof value === "string" ? writer.string(value) : expect("string");
    case "bool": return typeof value === "boolean" ? writer.u8(value ? 1 : 0) : expect("boolean");
    case "uint64": return typeof value === "number" || typeof value === "bigint" ? writer.u64(value) : expect("number");
    case "int64": return typeof value === "number" || typeof value === "bigint" ? writer.i64(value) : expect("number");
  }
  if (typeof value !== "number") return expect("number");
  switch (type) {
    case "uint8": return writer.u8(value);
    case "int8": return writer.i8(value);
    case "uint16": return writer.u16(value);
    case "int16": return writer.i16(value);
    case "uint32": return writer.u32(value);
    case "int32": return writer.i32(value);
    case "float32": return writer.f32(value);
    case "float64": return writer.f64(value);
  }
}

function writeValue(writer: ByteWriter, key: string, entry: GgufMetadataValue): void {
  writer.u32(ggufValueTypeCode[entry.type]);
  if (entry.type === "array") {
    writer.u32(ggufValueTypeCode[entry.itemType]);
    writer.u64(entry.values.length);
    for (const item of entry.values) writeScalar(writer, entry.itemType, item, key);
    return;
  }
  writeScalar(writer, entry.type, entry.value, key);
}

/** Pads `offset` up to a multiple of `alignment`. */
export function alignOffset(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}

/** Encodes the header of a GGUF v3 file (everything before the tensor data) and lays out the data section. */
export function encodeGgufHeader(spec: GgufFileSpec): EncodedGgufHeader {
  const alignment = spec.alignment ?? 32;
  const metadata: Record<string, GgufMetadataValue> = { ...spec.metadata };
  if (alignment !== 32) metadata["general.alignment"] = { type: "uint32", value: alignment };

  const names = new Set<string>();
  const tensorOffsets: number[] = [];
  const tensorSizes: number[] = [];
  let dataSize = 0;
  for (const tensor of spec.tensors) {
    if (names.has(tensor.name)) throw new Error(`GGUF tensor ${tensor.name} appears twice`);
    names.add(tensor.name);
    if (tensor.shape.length === 0 || tensor.shape.length > 4 || tensor.shape.some((d) => !Number.isInteger(d) || d <= 0))
      throw new Error(`GGUF tensor ${tensor.name}: bad shape [${tensor.shape.join(", ")}]`);
    dataSize = alignOffset(dataSize, alignment);
    tensorOffsets.push(dataSize);
    const size = ggufElementCount(tensor.shape) * ggmlTypeSize[tensor.type];
    tensorSizes.push(size);
    dataSize += size;
  }

  const writer = new ByteWriter();
  writer.u32(GGUF_MAGIC);
  writer.u32(GGUF_VERSION);
  writer.u64(spec.tensors.length);
  writer.u64(Object.keys(metadata).length);
  for (const [key, entry] of Object.entries(metadata)) {
    writer.string(key);
    writeValue(writer, key, entry);
  }
  spec.tensors.forEach((tensor, index) => {
    writer.string(tensor.name);
    writer.u32(tensor.shape.length);
    for (const dimension of tensor.shape) writer.u64(dimension);
    writer.u32(ggmlTypeCode[tensor.type]);
    writer.u64(tensorOffsets[index]!);
  });
  writer.zeros(alignOffset(writer.length, alignment) - writer.length);
  return { header: writer.toBuffer(), tensorOffsets, tensorSizes, dataSize, alignment };
}
