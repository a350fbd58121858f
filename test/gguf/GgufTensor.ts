/** Tensor element types this writer can store (GGML type codes: F32 = 0, F16 = 1). */
export type GgufTensorType = "f32" | "f16";

export const ggmlTypeCode: Readonly<Record<GgufTensorType, number>> = { f32: 0, f16: 1 };
export const ggmlTypeSize: Readonly<Record<GgufTensorType, number>> = { f32: 4, f16: 2 };

/**
 * Tensor data, row-major with `shape[0]` contiguous:
 * - a `Float32Array` holding every element (converted when the type is f16), or
 * - a function returning chunks in order, for tensors too large to hold at once. A `Uint16Array` chunk is raw
 *   IEEE half bits and is only allowed for f16 tensors.
 */
export type GgufTensorData = Float32Array | (() => Iterable<Float32Array | Uint16Array>);

export interface GgufTensor {
  /** e.g. `blk.0.attn_q.weight`. */
  readonly name: string;
  /**
   * GGML dimensions, innermost first: a linear layer `out x in` is `[in, out]` and its element (row r, column c)
   * sits at `r * in + c`.
   */
  readonly shape: readonly number[];
  readonly type: GgufTensorType;
  readonly data: GgufTensorData;
}

/** Number of elements in a tensor of the given shape. */
export function ggufElementCount(shape: readonly number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}
