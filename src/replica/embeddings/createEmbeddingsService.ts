import type { LlamaEmbeddingContext, LlamaModel, Token } from "node-llama-cpp";
import { EmbeddingsRequestError } from "./EmbeddingsRequestError.js";
import { readEmbeddingsRequest, type EmbeddingInput } from "./readEmbeddingsRequest.js";

export interface EmbeddingsServiceOptions {
  model: LlamaModel;
  /** The id clients use (`model` in the response). */
  modelId: string;
  /** Embedding contexts in the pool = inputs embedded at once, across all requests. Defaults to 2. */
  concurrency?: number;
  /** Tokens per input (and per context). Defaults to the model's training context, capped at 8192. */
  contextSize?: number;
  /** Threads per embedding context. Defaults to 1. */
  threads?: number;
  /**
   * Whether `dimensions` may shorten vectors (Matryoshka models, like OpenAI's text-embedding-3): the vector is cut
   * to its first `dimensions` values and normalised again. Off by default, as vLLM refuses `dimensions` for
   * models that are not Matryoshka-trained.
   */
  matryoshka?: boolean;
}

export interface EmbeddingsResponse {
  object: "list";
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export interface EmbeddingsService {
  /** Serves one `POST /v1/embeddings` body. Throws EmbeddingsRequestError (400) for bad input; aborts on `signal`. */
  embed(body: Record<string, unknown>, signal?: AbortSignal): Promise<EmbeddingsResponse>;
  readonly dimensions: number;
  dispose(): Promise<void>;
}

/**
 * A pool of `concurrency` embedding contexts on one loaded model (node-llama-cpp serialises each context, so the
 * pool is what makes inputs run in parallel). Vectors are L2-normalised as OpenAI's are. Base64 is the vector's
 * float32 little-endian bytes, as the OpenAI API sends it.
 */
export async function createEmbeddingsService(options: EmbeddingsServiceOptions): Promise<EmbeddingsService> {
  const { model, modelId } = options;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const contextSize = options.contextSize ?? Math.min(model.trainContextSize, 8192);
  const contexts: LlamaEmbeddingContext[] = [];
  try {
    for (let index = 0; index < concurrency; index++) {
      // batchSize = contextSize: non-causal (BERT-like) models need a whole input in one batch
      contexts.push(await model.createEmbeddingContext({ contextSize, batchSize: contextSize, threads: options.threads ?? 1 }));
    }
  } catch (error) {
    await Promise.all(contexts.map((context) => context.dispose()));
    throw error;
  }
  const idle = [...contexts];
  const waiting: ((context: LlamaEmbeddingContext) => void)[] = [];
  const acquire = (): Promise<LlamaEmbeddingContext> => {
    const context = idle.pop();
    return context !== undefined ? Promise.resolve(context) : new Promise((resolve) => waiting.push(resolve));
  };
  const release = (context: LlamaEmbeddingContext): void => {
    const next = waiting.shift();
    if (next !== undefined) next(context);
    else idle.push(context);
  };
  const dimensions = model.embeddingVectorSize;
  const vocabularySize = vocabularySizeOf(model);

  async function embedOne(tokens: Token[], signal: AbortSignal | undefined): Promise<number[]> {
    const context = await acquire();
    try {
      signal?.throwIfAborted();
      return Array.from((await context.getEmbeddingFor(tokens)).vector);
    } finally {
      release(context);
    }
  }

  return {
    dimensions,
    async embed(body, signal) {
      const request = readEmbeddingsRequest(body);
      if (request.dimensions !== undefined) {
        if (options.matryoshka !== true) {
          throw new EmbeddingsRequestError(`dimensions is not supported by model "${modelId}" (not configured as a Matryoshka model).`, "dimensions");
        }
        if (request.dimensions > dimensions) {
          throw new EmbeddingsRequestError(`dimensions must be at most ${dimensions} for model "${modelId}".`, "dimensions");
        }
      }
      const tokenized = request.inputs.map((input, index) => tokenize(input, index));
      const vectors = await Promise.all(tokenized.map((tokens) => embedOne(tokens, signal)));
      const data = vectors.map((vector, index) => {
        const shaped = normalize(request.dimensions === undefined ? vector : vector.slice(0, request.dimensions));
        return { object: "embedding" as const, index, embedding: request.encodingFormat === "base64" ? toBase64(shaped) : shaped };
      });
      const promptTokens = tokenized.reduce((sum, tokens) => sum + tokens.length, 0);
      return { object: "list", data, model: modelId, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } };
    },
    async dispose() {
      await Promise.all(contexts.map((context) => context.dispose()));
    },
  };

  function tokenize(input: EmbeddingInput, index: number): Token[] {
    const tokens = typeof input === "string" ? model.tokenize(input) : (input as Token[]);
    if (typeof input !== "string" && vocabularySize !== undefined && input.some((id) => id >= vocabularySize)) {
      throw new EmbeddingsRequestError(`input[${index}] holds a token id outside the vocabulary (size ${vocabularySize}).`, "input");
    }
    // node-llama-cpp keeps one cell free in the context
    if (tokens.length >= contextSize) {
      throw new EmbeddingsRequestError(
        `input[${index}] is ${tokens.length} tokens long; this model embeds at most ${contextSize - 1} tokens per input.`, "input");
    }
    return tokens;
  }
}

function normalize(vector: number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm === 0 ? vector : vector.map((value) => value / norm);
}

function toBase64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString("base64");
}

/** The vocabulary size from the token embedding tensor's shape (node-llama-cpp exposes no getter for it). */
function vocabularySizeOf(model: LlamaModel): number | undefined {
  const tensor = model.fileInfo.fullTensorInfo?.find((info) => info.name === "token_embd.weight");
  const size = tensor?.dimensions[1];
  return size === undefined ? undefined : Number(size);
}
