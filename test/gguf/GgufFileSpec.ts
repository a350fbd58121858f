import type { GgufMetadata } from "./GgufMetadataValue.js";
import type { GgufTensor } from "./GgufTensor.js";

/** Everything a GGUF v3 file holds. */
export interface GgufFileSpec {
  /** Key/values in file order. `general.alignment` is added when `alignment` is not 32. */
  readonly metadata: GgufMetadata;
  readonly tensors: readonly GgufTensor[];
  /** Alignment of the data section and of every tensor in it. Defaults to 32. */
  readonly alignment?: number;
}
