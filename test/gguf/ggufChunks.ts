import { encodeGgufHeader } from "./encodeGgufHeader.js";
import { float32ArrayToFloat16 } from "./float32ToFloat16.js";
import type { GgufFileSpec } from "./GgufFileSpec.js";
import { ggmlTypeSize, type GgufTensor } from "./GgufTensor.js";

function tensorBytes(tensor: GgufTensor, chunk: Float32Array | Uint16Array): Uint8Array {
  if (chunk instanceof Uint16Array) {
    if (tensor.type !== "f16") throw new Error(`GGUF tensor ${tensor.name}: raw half chunks need type f16`);
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  if (tensor.type === "f32") return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const halves = float32ArrayToFloat16(chunk);
  return new Uint8Array(halves.buffer, halves.byteOffset, halves.byteLength);
}

/**
 * The bytes of a GGUF v3 file, in order, without holding the tensor data all at once: the header, then each
 * tensor's data (as its chunks come) with the alignment padding between them. Little-endian host assumed.
 */
export function* ggufChunks(spec: GgufFileSpec): Generator<Uint8Array> {
  const layout = encodeGgufHeader(spec);
  yield layout.header;
  let position = 0;
  for (const [index, tensor] of spec.tensors.entries()) {
    const offset = layout.tensorOffsets[index]!;
    if (offset > position) yield new Uint8Array(offset - position);
    position = offset;
    const chunks = typeof tensor.data === "function" ? tensor.data() : [tensor.data];
    let written = 0;
    for (const chunk of chunks) {
      const bytes = tensorBytes(tensor, chunk);
      written += bytes.length;
      if (written > layout.tensorSizes[index]!) break;
      yield bytes;
    }
    if (written !== layout.tensorSizes[index]) {
      const expected = layout.tensorSizes[index]! / ggmlTypeSize[tensor.type];
      throw new Error(`GGUF tensor ${tensor.name}: data does not match shape [${tensor.shape.join(", ")}] (${expected} elements)`);
    }
    position += written;
  }
}
