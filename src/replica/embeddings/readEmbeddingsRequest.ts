import { EmbeddingsRequestError } from "./EmbeddingsRequestError.js";

/** One input: text, or token ids as OpenAI allows. */
export type EmbeddingInput = string | number[];

export interface EmbeddingsRequest {
  inputs: EmbeddingInput[];
  encodingFormat: "float" | "base64";
  dimensions: number | undefined;
}

/** Validates `input`, `encoding_format` and `dimensions` of an OpenAI embeddings request body. */
export function readEmbeddingsRequest(body: Record<string, unknown>): EmbeddingsRequest {
  const input = body.input;
  let inputs: EmbeddingInput[];
  if (typeof input === "string") inputs = [input];
  else if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === "string")) inputs = input as string[];
  else if (Array.isArray(input) && input.length > 0 && input.every(isTokenId)) inputs = [input as number[]];
  else if (Array.isArray(input) && input.length > 0 && input.every((item) => Array.isArray(item) && item.length > 0 && item.every(isTokenId))) {
    inputs = input as number[][];
  } else {
    throw new EmbeddingsRequestError(
      "input must be a non-empty string, a non-empty array of strings, or token ids (an array of integers, or of such arrays).", "input");
  }
  inputs.forEach((item, index) => {
    if (item.length === 0) throw new EmbeddingsRequestError(`input[${index}] is empty.`, "input");
  });

  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") {
    throw new EmbeddingsRequestError(`encoding_format must be "float" or "base64"; got ${JSON.stringify(format)}.`, "encoding_format");
  }
  const dimensions = body.dimensions;
  if (dimensions !== undefined && dimensions !== null && (!Number.isInteger(dimensions) || (dimensions as number) < 1)) {
    throw new EmbeddingsRequestError("dimensions must be a positive integer.", "dimensions");
  }
  return { inputs, encodingFormat: format, dimensions: (dimensions ?? undefined) as number | undefined };
}

function isTokenId(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0;
}
