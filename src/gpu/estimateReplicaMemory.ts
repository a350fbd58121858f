import { GgufInsights, readGgufFileInfo, type Llama } from "node-llama-cpp";
import { checkGgufModel } from "../gguf/checkGgufModel.js";

/** What one replica needs in memory, from the GGUF header alone (no weights read). */
export type ReplicaMemoryEstimate = {
  /** Model weights and buffers, all layers offloaded (GPU and host parts together). */
  readonly weightsBytes: number;
  /** KV cache and compute buffers of a context of `contextSize` tokens for each of `sequences` sequences. */
  readonly kvCacheBytes: number;
  readonly totalBytes: number;
  readonly contextSize: number;
  readonly sequences: number;
  readonly totalLayers: number;
};

export type EstimateReplicaMemoryOptions = {
  /**
   * `engine_kwargs.max_model_len`. Defaults to what the replica creates without it: the model's training context
   * size capped at 4096 (4096 when the GGUF has none).
   */
  contextSize?: number | undefined;
  /** Parallel sequences the replica's context holds (its batch of concurrent requests). Defaults to 1. */
  sequences?: number | undefined;
  /** Defaults to "auto", as the replica's context uses. */
  flashAttention?: boolean | "auto";
};

/** The part of node-llama-cpp's GgufInsights the estimate uses; tests hand in their own. */
export type MemoryEstimateInsights = Pick<
  GgufInsights,
  "totalLayers" | "trainContextSize" | "estimateModelResourceRequirementsV2" | "estimateContextResourceRequirementsV2"
>;

/** The replica's context cap when max_model_len is not set (src/replica/engine/loadEngine.ts). */
const DEFAULT_CONTEXT_SIZE = 4096;

/**
 * Estimates the memory a replica of this GGUF needs before loading it: weights with every layer offloaded plus the
 * KV cache for `contextSize x sequences`, by node-llama-cpp's GgufInsights (which simulates the load when its
 * native addon can, else uses its heuristic). Only the header is read, so this is cheap even for a 20 GB file.
 * Both the device and the host parts are counted, which errs on the side of "does not fit". A split model is given by
 * its first part and estimated over all its parts (node-llama-cpp reads the tensors of every part). Each header is
 * checked against its file first (`checkGgufModel`), so a corrupt one fails in milliseconds instead of being parsed.
 */
export async function estimateReplicaMemory(
  ggufPath: string,
  options: EstimateReplicaMemoryOptions & { llama?: Llama } = {},
): Promise<ReplicaMemoryEstimate> {
  await checkGgufModel(ggufPath);
  const info = await readGgufFileInfo(ggufPath, { readTensorInfo: true });
  const insights = await GgufInsights.from(info, options.llama);
  return estimateMemoryFromInsights(insights, options);
}

/** The estimate from already-read insights (see `estimateReplicaMemory`). */
export async function estimateMemoryFromInsights(
  insights: MemoryEstimateInsights,
  options: EstimateReplicaMemoryOptions = {},
): Promise<ReplicaMemoryEstimate> {
  const contextSize = options.contextSize ?? Math.min(insights.trainContextSize || DEFAULT_CONTEXT_SIZE, DEFAULT_CONTEXT_SIZE);
  const sequences = options.sequences ?? 1;
  if (!Number.isInteger(contextSize) || contextSize < 1) throw new RangeError(`contextSize must be a positive integer (got ${contextSize})`);
  if (!Number.isInteger(sequences) || sequences < 1) throw new RangeError(`sequences must be a positive integer (got ${sequences})`);
  const gpuLayers = insights.totalLayers;
  const model = await insights.estimateModelResourceRequirementsV2({ gpuLayers });
  const context = await insights.estimateContextResourceRequirementsV2({
    contextSize,
    sequences,
    modelGpuLayers: gpuLayers,
    flashAttention: options.flashAttention ?? "auto",
  });
  const weightsBytes = model.gpuVram + model.cpuRam;
  const kvCacheBytes = context.gpuVram + context.cpuRam;
  return { weightsBytes, kvCacheBytes, totalBytes: weightsBytes + kvCacheBytes, contextSize, sequences, totalLayers: gpuLayers };
}
