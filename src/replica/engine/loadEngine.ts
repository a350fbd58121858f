import {
  getLlama,
  LlamaLogLevel,
  NoBinaryFoundError,
  type Llama,
  type LlamaContext,
  type LlamaModel,
} from "node-llama-cpp";
import { ModelLoadError } from "../errors/ModelLoadError.js";
import type { ReplicaSettings } from "../ReplicaSettings.js";
import { assertGgufFile } from "./assertGgufFile.js";
import { maxBytesPerToken } from "./maxBytesPerToken.js";
import { LLAMA_CPP_BUILD_OPTIONS } from "./llamaCppBuildOptions.js";
import { applyFastDecode } from "./fastDecode/applyFastDecode.js";
import type { FastDecodeAddonLoad } from "./fastDecode/loadFastDecodeAddon.js";
import type { EnginePath, EngineWeights } from "../../protocol/EnginePath.js";
import { isOff } from "./fastDecode/isOff.js";
import { loadContextLock } from "./fastDecode/loadContextLock.js";
import { sequenceOrderedBatching } from "./fastDecode/sequenceOrderedBatching.js";
import type { Engine } from "./Engine.js";
import { SequencePool } from "./SequencePool.js";
import { loadModelWeights } from "./weights/loadModelWeights.js";
import type { WeightsPlan } from "./weights/planWeightsLoading.js";

export interface LoadEngineOptions {
  onProgress?: (fraction: number) => void;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** The fastDecode addon (`locateFastDecodeAddon` + `loadFastDecodeAddon`); defaults to the package's own build. */
  fastDecodeAddon?: FastDecodeAddonLoad;
  /** Warnings found before loading (e.g. the addon could not be built), carried into `Engine.path.warnings`. */
  warnings?: readonly string[];
}

const DEFAULT_CONTEXT_CAP = 4096;

/**
 * Loads the model the way a server must (see the research notes): never compiles (`build: "never"`), explicit
 * thread count, GPU only as configured (CPU fallback only when allowed), explicit per-sequence context size, one
 * context holding every sequence, and a fixed pool of those sequences.
 */
export async function loadEngine(settings: ReplicaSettings, modelPath: string, options: LoadEngineOptions = {}): Promise<Engine> {
  const log = options.log ?? (() => undefined);
  await assertGgufFile(modelPath);
  const recentLlamaLogs: string[] = [];
  const llama = await createLlama(settings, (level, message) => {
    recentLlamaLogs.push(message.trim());
    if (recentLlamaLogs.length > 20) recentLlamaLogs.shift();
    if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal || level === LlamaLogLevel.warn) {
      log(`llama.cpp: ${message.trim()}`);
    }
  });
  // `npm run build:llama` compiles the CPU kernels for this machine; the prebuilt ones are generic (see
  // LLAMA_CPP_BUILD_OPTIONS).
  log(`backend: ${llama.gpu === false ? "CPU" : llama.gpu}, threads ${settings.threads}, llama.cpp ${llama.buildType === "localBuild" ? "local build" : "prebuilt"}`);

  let weightsPlan: WeightsPlan;
  let model: LlamaModel;
  try {
    ({ plan: weightsPlan, model } = await loadModelWeights(llama, modelPath, {
      ...(options.onProgress !== undefined ? { onLoadProgress: options.onProgress } : {}),
      ...(options.signal !== undefined ? { loadSignal: options.signal } : {}),
    }));
  } catch (error) {
    await llama.dispose();
    throw new ModelLoadError(describeLoadFailure(modelPath, error, recentLlamaLogs));
  }

  const contextSize = settings.contextSize ?? Math.min(model.trainContextSize || DEFAULT_CONTEXT_CAP, DEFAULT_CONTEXT_CAP);
  let context: LlamaContext;
  const batching = sequenceOrderedBatching();
  try {
    context = await model.createContext({
      batching: batching.options,
      contextSize,
      sequences: settings.sequences,
      threads: settings.threads,
      ...(settings.batchSize !== undefined ? { batchSize: settings.batchSize } : {}),
      failedCreationRemedy: false,
    });
  } catch (error) {
    await llama.dispose();
    throw new ModelLoadError(
      `cannot create a context of ${settings.sequences} sequences x ${contextSize} tokens for ${modelPath}: ` +
        `${error instanceof Error ? error.message : String(error)} (lower max_model_len or max_num_seqs)`,
    );
  }
  batching.bind(context);
  const weights = weightsPlan.observe();
  log(weights.summary);
  let pool: SequencePool | undefined;
  const fastDecode = applyFastDecode({
    context,
    model,
    sequenceCount: settings.sequences,
    threads: settings.threads,
    othersGenerating: () => (pool?.ongoing ?? 0) > 1,
    withLock: await loadContextLock(),
    ...(options.fastDecodeAddon !== undefined ? { addonLoad: options.fastDecodeAddon } : {}),
  });
  pool = new SequencePool(fastDecode.sequences, settings.maxQueuedRequests);
  log(fastDecode.summary);
  const chatTemplate = settings.chatTemplate ?? model.fileInfo.metadata.tokenizer?.chat_template;
  return {
    model,
    pool,
    contextSize: context.contextSize,
    maxBytesPerToken: maxBytesPerToken(model),
    chatTemplate: typeof chatTemplate === "string" ? chatTemplate : undefined,
    gpu: llama.gpu,
    threads: settings.threads,
    decodeThreadpool: fastDecode.threadpool,
    path: enginePath(llama, fastDecode.generation, weights.weights, [
      ...(options.warnings ?? []),
      ...(fastDecode.generation !== "native" && (options.warnings ?? []).length === 0 && !isOff(process.env["LLMSERVE_FAST_DECODE"]) && !isOff(process.env["LLMSERVE_GENERATION_LOOP"])
        ? [`node-llama-cpp's stock decode loop runs, many times slower per token (${fastDecode.summary})`]
        : []),
    ]),
    dispose: async () => {
      fastDecode.stop();
      await llama.dispose();
      fastDecode.release();
    },
  };
}

async function createLlama(
  settings: ReplicaSettings,
  logger: (level: LlamaLogLevel, message: string) => void,
): Promise<Llama> {
  const common = {
    build: "never",
    cmakeOptions: { ...LLAMA_CPP_BUILD_OPTIONS },
    maxThreads: settings.threads,
    logLevel: LlamaLogLevel.warn,
    logger,
  } as const;
  if (settings.gpu === false) return getLlama({ ...common, gpu: false });
  let llama: Llama;
  try {
    llama = await getLlama({ ...common, gpu: settings.gpu });
  } catch (error) {
    if (!(error instanceof NoBinaryFoundError) || !settings.allowCpuFallback) {
      throw new ModelLoadError(`no usable ${String(settings.gpu)} GPU backend: ${error instanceof Error ? error.message : String(error)}`);
    }
    return getLlama({ ...common, gpu: false });
  }
  if (llama.gpu === false && !settings.allowCpuFallback) {
    await llama.dispose();
    throw new ModelLoadError(
      "no usable GPU was found and this llm_config's accelerator_type does not allow running on the CPU " +
        "(check the CUDA/Vulkan libraries and CUDA_VISIBLE_DEVICES, or set accelerator_type: CPU)",
    );
  }
  return llama;
}

function enginePath(llama: Llama, generation: "native" | "node-llama-cpp", weights: EngineWeights, warnings: readonly string[]): EnginePath {
  const backend = llama.gpu === false ? "cpu" : llama.gpu;
  return {
    generation: generation === "native" ? "native" : "stock",
    cpuKernels: llama.buildType === "localBuild" ? "local" : "prebuilt",
    backend,
    weights,
    warnings,
  };
}

function describeLoadFailure(modelPath: string, error: unknown, llamaLogs: readonly string[]): string {
  const detail = llamaLogs.filter((line) => /corrupt|incomplete|bounds|failed|error|invalid/i.test(line)).slice(-2);
  const message = error instanceof Error ? error.message : String(error);
  if (detail.some((line) => /not within the file bounds|incomplete/i.test(line))) {
    return `model file ${modelPath} is truncated or corrupt: ${detail.join("; ")}`;
  }
  return `cannot load model ${modelPath}: ${message}${detail.length > 0 ? ` (${detail.join("; ")})` : ""}`;
}
