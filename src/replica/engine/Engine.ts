import type { LlamaModel } from "node-llama-cpp";
import type { EnginePath } from "../../protocol/EnginePath.js";
import type { SequencePool } from "./SequencePool.js";

/** A loaded model with one context of N sequences, ready to serve. */
export interface Engine {
  readonly model: LlamaModel;
  readonly pool: SequencePool;
  /** Tokens per sequence: prompt + completion must fit. */
  readonly contextSize: number;
  /** The GGUF's `tokenizer.chat_template`, if any. */
  readonly chatTemplate: string | undefined;
  /** The GPU backend in use, or false on the CPU. */
  readonly gpu: string | false;
  readonly threads: number;
  /** `persistent` when the fastDecode threadpool is attached, `stock` on node-llama-cpp's per-decode threads. */
  readonly decodeThreadpool: "persistent" | "stock";
  /** Which engine path runs (reported to the controller, shown by `status`). */
  readonly path: EnginePath;
  dispose(): Promise<void>;
}
