/** GGUF metadata value types, by their GGUF names (the numeric codes live in `ggufValueTypeCode`). */
export type GgufScalarType =
  | "uint8"
  | "int8"
  | "uint16"
  | "int16"
  | "uint32"
  | "int32"
  | "float32"
  | "bool"
  | "string"
  | "uint64"
  | "int64"
  | "float64";

/** One metadata value with its explicit GGUF type (a JS number alone cannot say whether it is a u32 or a f32). */
export type GgufMetadataValue =
  | { readonly type: "uint8" | "int8" | "uint16" | "int16" | "uint32" | "int32" | "float32" | "float64"; readonly value: number }
  | { readonly type: "uint64" | "int64"; readonly value: bigint | number }
  | { readonly type: "bool"; readonly value: boolean }
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "array"; readonly itemType: GgufScalarType; readonly values: readonly (number | bigint | boolean | string)[] };

/** Metadata key/values in file order. */
export type GgufMetadata = Readonly<Record<string, GgufMetadataValue>>;

/** Type codes from the GGUF specification (ggml/docs/gguf.md, `gguf_metadata_value_type`). */
export const ggufValueTypeCode = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const satisfies Record<GgufScalarType | "array", number>;

/** Short constructors for typed metadata values: `gguf.u32(4)`, `gguf.strings(["a"])`. */
export const gguf = {
  u8: (value: number): GgufMetadataValue => ({ type: "uint8", value }),
  u32: (value: number): GgufMetadataValue => ({ type: "uint32", value }),
  i32: (value: number): GgufMetadataValue => ({ type: "int32", value }),
  u64: (value: bigint | number): GgufMetadataValue => ({ type: "uint64", value }),
  f32: (value: number): GgufMetadataValue => ({ type: "float32", value }),
  bool: (value: boolean): GgufMetadataValue => ({ type: "bool", value }),
  str: (value: string): GgufMetadataValue => ({ type: "string", value }),
  strings: (values: readonly string[]): GgufMetadataValue => ({ type: "array", itemType: "string", values }),
  i32s: (values: readonly number[]): GgufMetadataValue => ({ type: "array", itemType: "int32", values }),
  f32s: (values: readonly number[]): GgufMetadataValue => ({ type: "array", itemType: "float32", values }),
} as const;
