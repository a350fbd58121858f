import { open } from "node:fs/promises";
import { GgufFormatError } from "./errors/GgufFormatError.js";
import { ggmlTypeSizes } from "./ggmlTypeSizes.js";
import { GgufByteCursor, PastEndOfFile } from "./GgufByteCursor.js";

/** What a GGUF header says about the file's layout, once it has been checked against the file. */
export interface GgufHeaderSummary {
  readonly version: number;
  readonly tensorCount: number;
  readonly metadataCount: number;
  readonly alignment: number;
  /** Where the tensor data starts. */
  readonly dataOffset: number;
  /** The byte the last tensor's data ends at: the least size the file must have. */
  readonly expectedSize: number;
  readonly fileSize: number;
  /** `split.no` (0-based), `split.count` and `split.tensors.count` of a part of a split model (llama.cpp's gguf-split). */
  readonly split?: GgufSplitKeys;
  /** `tokenizer.chat_template`, when the file has one (a string). */
  readonly chatTemplate?: string;
}

export interface GgufSplitKeys {
  readonly no?: number;
  readonly count?: number;
  readonly tensorsCount?: number;
}

const GGUF_MAGIC = "GGUF";
const SUPPORTED_VERSIONS = [2, 3];
const DEFAULT_ALIGNMENT = 32;
const MAX_DIMENSIONS = 4;
/** llama.cpp's GGML_MAX_NAME, counting the terminating NUL. */
const MAX_TENSOR_NAME_BYTES = 63;
const ARRAY_TYPE = 9;
const STRING_TYPE = 8;
const CHAT_TEMPLATE_KEY = "tokenizer.chat_template";
/** Bytes per value of each metadata type (strings: their length field). */
const VALUE_BYTES: ReadonlyMap<number, number> = new Map([
  [0, 1], [1, 1], [2, 2], [3, 2], [4, 4], [5, 4], [6, 4], [7, 1], [STRING_TYPE, 8], [10, 8], [11, 8], [12, 8],
]);
const MIN_METADATA_ENTRY_BYTES = 8 + 4 + 1;
const MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;
/** More tensors or metadata entries than this is corruption, not a model cut short (its header alone would be > 50 GB). */
const PLAUSIBLE_COUNT = 1n << 32n;
const INT64_MAX = (1n << 63n) - 1n;
/** The split keys and their types, as llama.cpp's loader reads them (a key of another type fails its load). */
const SPLIT_KEYS: ReadonlyMap<string, { field: keyof GgufSplitKeys; type: number; typeName: string }> = new Map([
  ["split.no", { field: "no", type: 2, typeName: "uint16" }],
  ["split.count", { field: "count", type: 2, typeName: "uint16" }],
  ["split.tensors.count", { field: "tensorsCount", type: 5, typeName: "int32" }],
] as const);

/**
 * Reads a GGUF file's header and checks it the way llama.cpp will, but against the file's size first: counts,
 * string and array lengths, metadata types, tensor shapes, types and offsets, and that every tensor's data lies
 * inside the file. Only the header is read, so this takes milliseconds even for a large model, and a crafted
 * header (2^62 tensors, a string longer than the file) is refused before anything is allocated for it.
 * Throws `GgufFormatError` ("PATH is not a valid GGUF: REASON"); lets file-system errors through.
 */
export async function checkGgufHeader(path: string): Promise<GgufHeaderSummary> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    return await readHeader(new GgufByteCursor(handle, size));
  } catch (error) {
    if (error instanceof PastEndOfFile) {
      const { size } = await handle.stat();
      throw new GgufFormatError(path, `truncated at byte ${size} of at least ${error.needed} (reading ${error.what})`);
    }
    if (error instanceof HeaderProblem) throw new GgufFormatError(path, error.message);
    throw error;
  } finally {
    await handle.close();
  }
}

class HeaderProblem extends Error {}

async function readHeader(cursor: GgufByteCursor): Promise<GgufHeaderSummary> {
  const fileSize = cursor.fileSize;
  if (fileSize < 4) throw new HeaderProblem(fileSize === 0 ? "the file is empty" : `the file has only ${fileSize} bytes`);
  await cursor.need(4, "the magic");
  const magic = cursor.bytes(4);
  if (magic.toString("latin1") !== GGUF_MAGIC) {
    throw new HeaderProblem(`expected the magic "GGUF" at byte 0, found ${JSON.stringify(magic.toString("latin1"))}`);
  }
  await cursor.need(4, "the version");
  const version = cursor.u32();
  if (!SUPPORTED_VERSIONS.includes(version)) throw new HeaderProblem(describeVersion(version));

  await cursor.need(16, "the tensor and metadata counts");
  const tensorCount = cursor.u64();
  const metadataCount = cursor.u64();
  const leastBytes = tensorCount * BigInt(MIN_TENSOR_INFO_BYTES) + metadataCount * BigInt(MIN_METADATA_ENTRY_BYTES);
  if (leastBytes > BigInt(cursor.remaining)) {
    if (tensorCount <= PLAUSIBLE_COUNT && metadataCount <= PLAUSIBLE_COUNT) {
      throw new PastEndOfFile(BigInt(cursor.position) + leastBytes, `the ${tensorCount} tensors and ${metadataCount} metadata entries it declares`);
    }
    throw new HeaderProblem(
      `absurd counts: it declares ${tensorCount} tensors and ${metadataCount} metadata entries, which need at least ${leastBytes} ` +
        `bytes, but only ${cursor.remaining} of its ${fileSize} bytes follow the counts`,
    );
  }

  let alignment = DEFAULT_ALIGNMENT;
  const split: { -readonly [K in keyof GgufSplitKeys]: GgufSplitKeys[K] } = {};
  const keys = new Set<string>();
  let chatTemplate: string | undefined;
  for (let index = 0; index < Number(metadataCount); index++) {
    const at = cursor.position;
    const key = await readString(cursor, `the key of metadata entry ${index} at byte ${at}`);
    if (keys.has(key)) throw new HeaderProblem(`metadata key "${key}" appears twice (entry ${index} at byte ${at})`);
    keys.add(key);
    await cursor.need(4, `the type of metadata "${key}"`);
    const type = cursor.u32();
    const splitKey = SPLIT_KEYS.get(key);
    if (key === "general.alignment") alignment = await readAlignment(cursor, type);
    else if (splitKey !== undefined) split[splitKey.field] = await readSplitKey(cursor, key, type, splitKey);
    else if (key === CHAT_TEMPLATE_KEY && type === STRING_TYPE) chatTemplate = await readString(cursor, `metadata "${key}"`);
    else await skipValue(cursor, type, `metadata "${key}"`);
  }

  const names = new Set<string>();
  let expectedOffset = 0n;
  const tensors: { name: string; offset: bigint; size: bigint }[] = [];
  for (let index = 0; index < Number(tensorCount); index++) {
    const at = cursor.position;
    const name = await readString(cursor, `the name of tensor ${index} at byte ${at}`);
    const tensor = `tensor "${name}" (info at byte ${at})`;
    if (Buffer.byteLength(name) > MAX_TENSOR_NAME_BYTES) throw new HeaderProblem(`${tensor}: the name is longer than ${MAX_TENSOR_NAME_BYTES} bytes`);
    if (names.has(name)) throw new HeaderProblem(`${tensor} appears twice`);
    names.add(name);
    await cursor.need(4, `the dimension count of ${tensor}`);
    const dimensions = cursor.u32();
    if (dimensions > MAX_DIMENSIONS) throw new HeaderProblem(`${tensor} has ${dimensions} dimensions (at most ${MAX_DIMENSIONS})`);
    await cursor.need(8 * dimensions + 4 + 8, `the shape, type and offset of ${tensor}`);
    const shape: bigint[] = [];
    for (let d = 0; d < dimensions; d++) shape.push(cursor.i64());
    const typeCode = cursor.u32();
    const offset = cursor.u64();
    if (shape.some((n) => n < 0n)) throw new HeaderProblem(`${tensor} has a negative dimension [${shape.join(", ")}]`);
    const elements = shape.reduce((product, n) => product * n, 1n);
    if (elements > INT64_MAX) throw new HeaderProblem(`${tensor} has an absurd shape [${shape.join(", ")}]`);
    const type = ggmlTypeSizes.get(typeCode);
    if (type === undefined) throw new HeaderProblem(`${tensor} has the unknown tensor type ${typeCode}`);
    const rowLength = shape[0] ?? 1n;
    if (rowLength % BigInt(type.blockSize) !== 0n) {
      throw new HeaderProblem(`${tensor}: its rows of ${rowLength} elements are not whole ${type.name} blocks of ${type.blockSize}`);
    }
    const size = (elements / BigInt(type.blockSize)) * BigInt(type.typeSize);
    if (offset !== expectedOffset) {
      throw new HeaderProblem(`${tensor} has its data at offset ${offset} of the data section, expected ${expectedOffset}`);
    }
    tensors.push({ name, offset, size });
    expectedOffset = alignUp(offset + size, BigInt(alignment));
  }

  const dataOffset = alignUp(BigInt(cursor.position), BigInt(alignment));
  for (const { name, offset, size } of tensors) {
    const end = dataOffset + offset + size;
    if (end > BigInt(fileSize)) {
      const lastEnd = dataOffset + tensors.reduce((most, t) => (t.offset + t.size > most ? t.offset + t.size : most), 0n);
      throw new HeaderProblem(
        `truncated at byte ${fileSize} of ${lastEnd}: tensor data past the end of the file ` +
          `(tensor "${name}" needs bytes ${dataOffset + offset}..${end})`,
      );
    }
  }
  const lastEnd = tensors.at(-1);
  return {
    version,
    tensorCount: Number(tensorCount),
    metadataCount: Number(metadataCount),
    alignment,
    dataOffset: Number(dataOffset),
    expectedSize: Number(lastEnd === undefined ? dataOffset : dataOffset + lastEnd.offset + lastEnd.size),
    fileSize,
    ...(Object.keys(split).length > 0 ? { split } : {}),
    ...(chatTemplate !== undefined ? { chatTemplate } : {}),
  };
}

function describeVersion(version: number): string {
  if (version === 1) return "GGUF version 1 is no longer supported (llama.cpp reads versions 2 and 3); convert the model again";
  if (version >>> 16 !== 0 && SUPPORTED_VERSIONS.includes(version >>> 24)) return "it is a big-endian GGUF, which this machine cannot load";
  return `unknown GGUF version ${version} (llama.cpp reads versions 2 and 3)`;
}

async function readString(cursor: GgufByteCursor, what: string): Promise<string> {
  await cursor.need(8, `the length of ${what}`);
  const length = cursor.u64();
  await cursor.need(length, `${what}, a string of ${length} bytes`);
  return cursor.text(Number(length));
}

async function readAlignment(cursor: GgufByteCursor, type: number): Promise<number> {
  if (type !== 4) throw new HeaderProblem(`metadata "general.alignment" has type ${type}, expected uint32 (4)`);
  await cursor.need(4, `the value of "general.alignment"`);
  const alignment = cursor.u32();
  if (alignment === 0 || (alignment & (alignment - 1)) !== 0) {
    throw new HeaderProblem(`metadata "general.alignment" is ${alignment}, not a power of 2`);
  }
  return alignment;
}

async function readSplitKey(cursor: GgufByteCursor, key: string, type: number, expected: { type: number; typeName: string }): Promise<number> {
  if (type !== expected.type) throw new HeaderProblem(`metadata "${key}" has type ${type}, expected ${expected.typeName} (${expected.type})`);
  await cursor.need(expected.type === 2 ? 2 : 4, `the value of "${key}"`);
  return expected.type === 2 ? cursor.u16() : cursor.i32();
}

async function skipValue(cursor: GgufByteCursor, type: number, what: string): Promise<void> {
  if (type === ARRAY_TYPE) {
    await cursor.need(12, `the item type and length of ${what}`);
    const itemType = cursor.u32();
    const count = cursor.u64();
    const itemBytes = VALUE_BYTES.get(itemType);
    if (itemBytes === undefined) {
      throw new HeaderProblem(`${what} is an array of ${itemType === ARRAY_TYPE ? "arrays" : `the unknown type ${itemType}`}`);
    }
    if (itemType !== STRING_TYPE) return cursor.skip(count * BigInt(itemBytes), `${what}, an array of ${count} values`);
    const leastEnd = BigInt(cursor.position) + count * 8n;
    if (leastEnd > BigInt(cursor.fileSize)) throw new PastEndOfFile(leastEnd, `${what}, an array of ${count} strings`);
    for (let index = 0; index < Number(count); index++) await skipString(cursor, `${what}[${index}]`);
    return;
  }
  if (type === STRING_TYPE) return skipString(cursor, what);
  const bytes = VALUE_BYTES.get(type);
  if (bytes === undefined) throw new HeaderProblem(`${what} has the unknown type ${type}`);
  cursor.skip(bytes, what);
}

async function skipString(cursor: GgufByteCursor, what: string): Promise<void> {
  // A vocabulary is an array of ~10^5 strings: no await (a microtask turn each) while the length is buffered.
  if (!cursor.buffered(8)) await cursor.need(8, `the length of ${what}`);
  const length = cursor.u64();
  cursor.skip(length, `${what}, a string of ${length} bytes`);
}

function alignUp(value: bigint, alignment: bigint): bigint {
  return ((value + alignment - 1n) / alignment) * alignment;
}
